/**
 * `govcloud completion bash|zsh`: generated from the command definitions, so every visible
 * command and option of the program appears; the bash script completes as bash runs it.
 */
import { execFileSync } from "node:child_process";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { completionScript, completionTree, SHELLS } from "../../cli/completion";
import { createProgram } from "../../cli/main";
import { cli } from "../support/cli";

/** Every visible command path and its options, walked independently of the generator. */
function everything(program: Command): { commands: string[]; flags: Map<string, string[]> } {
  const commands: string[] = [];
  const flags = new Map<string, string[]>();
  const walk = (command: Command, path: string[]) => {
    const help = command.createHelp();
    flags.set(path.join(" "), help.visibleOptions(command).flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined)));
    for (const sub of help.visibleCommands(command)) {
      commands.push([...path, sub.name()].join(" "));
      if (sub.commands.length > 0 || sub.options.length > 0) walk(sub, [...path, sub.name()]);
    }
  };
  walk(program, []);
  return { commands, flags };
}

describe("completion scripts", () => {
  const program = createProgram();
  const { commands, flags } = everything(program);

  it("walk the whole program: its commands, the report subcommands, and this command", () => {
    expect(commands).toEqual(
      expect.arrayContaining(["synth", "validate", "schemas", "onboard", "addresses", "check", "agency", "completion", "report", "report energy", "report backups", "report kpis", "report estate"]),
    );
    // Every report subcommand, and so every completion of it, offers --agency.
    for (const command of commands.filter((c) => c.startsWith("report ") && c !== "report help")) expect(flags.get(command), command).toContain("--agency");
    expect(commands).not.toContain("cdktf-app"); // hidden
    expect(completionTree(program).map((n) => n.path.join(" "))).toEqual(["", ...commands.filter((c) => c.split(" ").at(-1) !== "help")]);
  });

  it.each(SHELLS)("%s: every command and every option of every command appears, offered at its own command", (shell) => {
    const script = completionScript(program, shell);
    const lines = script.split("\n");
    /** The line that lists what the command at `path` offers. */
    const offered = (path: string) => {
      const line = lines.find((l) => l.trimStart().startsWith(shell === "bash" ? `'${path}') words=` : `('${path}') items=`));
      expect(line, `no completion line for '${path}'`).toBeDefined();
      return (line as string).slice((line as string).indexOf("=") + 1);
    };
    /** The words of zsh `items=('word:description' ...)`, colons in words escaped as \\:. */
    const words = (text: string) => new Set([...text.matchAll(/(?:\(|' )'((?:[^:'\\]|\\:)+):/g)].map((m) => (m[1] as string).replace(/\\:/g, ":")));
    for (const [path, list] of flags) {
      const there = shell === "bash" ? new Set(offered(path).replace(/^'|'.*$/g, "").split(" ")) : words(offered(path));
      for (const flag of list) expect(there.has(flag), `${shell}: '${path}' offers ${flag}`).toBe(true);
      for (const command of commands.filter((c) => c.split(" ").slice(0, -1).join(" ") === path)) {
        expect(there.has(command.split(" ").at(-1) as string), `${shell}: '${path}' offers ${command}`).toBe(true);
      }
    }
    // Choices come from the option definitions too.
    expect(script).toContain("sarif");
    expect(script).toContain("stateful-service");
  });

  it("is printed by the command, exit code 0; an unknown shell is bad input", () => {
    const bash = cli("completion", "bash");
    expect(bash.code).toBe(0);
    expect(bash.stdout).toBe(completionScript(createProgram(), "bash"));
    expect(cli("completion", "zsh").stdout.startsWith("#compdef govcloud\n")).toBe(true);
    const fish = cli("completion", "fish");
    expect(fish.code).toBe(2);
    expect(fish.stderr).toMatch(/unknown shell 'fish'; one of bash, zsh/);
  });

  /** Runs the bash completion function on a command line; the words bash would offer. */
  function complete(...line: string[]): string[] {
    const script = completionScript(program, "bash");
    const words = line.map((w) => `'${w}'`).join(" ");
    const out = execFileSync("bash", ["-c", `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _govcloud; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: "utf8" });
    return out.split("\n").filter((w) => w !== "");
  }

  it("bash: completes commands, subcommands, options and option choices", () => {
    expect(complete("govcloud", "rep")).toEqual(["report"]);
    expect(complete("govcloud", "report", "")).toEqual(expect.arrayContaining(["backups", "energy", "--help"]));
    expect(complete("govcloud", "report", "energy", "--ag")).toEqual(["--agency"]);
    expect(complete("govcloud", "check", "--format", "")).toEqual(["text", "json", "sarif", "junit"]);
    expect(complete("govcloud", "--env", "dev", "onboard", "-t", "st")).toEqual(["stateful-service"]);
    expect(complete("govcloud", "agency", "bo-y-te", "--fo")).toEqual(["--format"]);
  });
});
