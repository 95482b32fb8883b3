import type { Construct } from "constructs";
import { ADD_ON_REQUIREMENTS, EVERY_NODE_TOLERATIONS, labelValues, nodeAgentResources } from "../../estate/add-ons";
import { KUBERNETES_API_EGRESS, metricsIngress, type NetworkAllow } from "../add-on-network-policy";
import { type AddOnProps, HelmAddOn, mirrored, resolveAddOnProps } from "../helm-add-on";

/**
 * Energy metering (sustainable-computing-io/kepler): a DaemonSet that turns RAPL and hwmon
 * counters into per-node and per-pod energy metrics, the input of green-energy reporting.
 *
 * It runs on every node (an unmetered GPU node would be the largest gap), as a privileged
 * container: that is what reading the counters takes, and why its namespace is `privileged`.
 * The counters must reach the node: bare metal, or VMs whose hypervisor passes RAPL through;
 * where they do not, Kepler does not start and the release rolls back.
 *
 * Images: `image.repository` holds the full reference of the Kepler image, pinned to the tag
 * of the chart's appVersion (the chart's own default is `latest`). Chart 0.11.1 has no NVML
 * init container and reads no `daemonset.nvidia` values.
 *
 * The chart has no priorityClassName value: Kepler runs at the default priority.
 */
export class Kepler extends HelmAddOn {
  public static readonly CHART = "kepler";
  /** 2025: the rewritten Kepler (0.10 onwards), whose chart is published with each release. */
  public static readonly VERSION = "0.11.1";
  /** The Kepler image of chart 0.11.1: its Chart.yaml's appVersion. */
  public static readonly IMAGE_TAG = "v0.11.1";
  public static readonly NETWORK_ALLOWS: readonly NetworkAllow[] = [
    KUBERNETES_API_EGRESS,
    {
      name: "kubelet-egress",
      direction: "egress",
      peers: [{ kind: "nodes" }],
      ports: [{ port: 10250 }],
      reason: "Kepler maps processes to pods through the kubelet of its node",
    },
    metricsIngress([28282]),
  ];

  public readonly networkAllows = Kepler.NETWORK_ALLOWS;

  constructor(scope: Construct, id: string, props: AddOnProps) {
    const p = resolveAddOnProps(props);
    super(scope, id, {
      releaseName: "kepler",
      namespace: ADD_ON_REQUIREMENTS.kepler.namespace,
      chart: Kepler.CHART,
      version: props.version ?? Kepler.VERSION,
      chartRegistry: p.chartRegistry,
      values: p.values,
      dependsOn: p.dependsOn,
      // The chart's labels values (ADD_ON_REQUIREMENTS.labelValuePaths, which the green policy reads too).
      commonLabelValues: (labels) => labelValues(ADD_ON_REQUIREMENTS.kepler.labelValuePaths, labels),
      defaultValues: {
        // The chart's tag defaults to `latest`: pinned to the chart's appVersion.
        image: { repository: mirrored(p.imagesHost, "sustainable_computing_io/kepler"), tag: Kepler.IMAGE_TAG },
        daemonset: {
          tolerations: EVERY_NODE_TOLERATIONS.map((t) => ({ ...t })),
          securityContext: { privileged: true },
          resources: nodeAgentResources("kepler"),
        },
        // The chart logs at debug level by default.
        config: { log: { level: "info" } },
        serviceMonitor: { enabled: p.serviceMonitors },
      },
    });
  }
}
