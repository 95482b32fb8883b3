/**
 * Loaded files as plain data, which can cross to another thread (the second thread and the
 * policy gate's worker): values and their source trees, without the source-map objects.
 */
import { type Diagnostic, UserError } from "../environments/diagnostics";
import type { Agency } from "../environments/agency-schema";
import type { LoadedAgency } from "../environments";
import type { Loaded } from "../environments/loader";
import { LazySourceMap, type SourceTree, TreeSourceMap } from "../environments/source-map";
import { merged } from "../core/merged";

/** A loaded file as plain data, which can cross to another thread. */
export interface PortableLoaded<T> {
  readonly value: T;
  /** The file as shown in diagnostics. */
  readonly file: string;
  readonly tree: SourceTree;
}

/** A loaded file as plain data; a file loaded from the cache (a LazySourceMap) is parsed for its tree. */
export function toPortable<T>(loaded: Loaded<T>): PortableLoaded<T> {
  if (!(loaded.source instanceof TreeSourceMap || loaded.source instanceof LazySourceMap)) throw new Error(`internal: ${loaded.source.file} has no portable source map`);
  return { value: loaded.value, file: loaded.source.file, tree: loaded.source.tree };
}

export function fromPortable<T>(portable: PortableLoaded<T>): Loaded<T> {
  return { value: portable.value, source: new TreeSourceMap(portable.file, portable.tree) };
}

/** An agency file's load result as plain data, which can cross to another thread. */
export type PortableAgency = (PortableLoaded<Agency> & { readonly path: string }) | { readonly path: string; readonly diagnostics: readonly Diagnostic[] };

export function toPortableAgency(result: LoadedAgency | UserError, file: string): PortableAgency {
  if (result instanceof UserError) return { path: file, diagnostics: result.diagnostics };
  return merged(toPortable(result), { path: result.path });
}

export function fromPortableAgency(portable: PortableAgency): LoadedAgency | UserError {
  if ("diagnostics" in portable) return new UserError(portable.diagnostics);
  return merged(fromPortable(portable), { path: portable.path });
}
