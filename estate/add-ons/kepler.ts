import { defineAddOn, everyNodeTolerations, mirrored, resourceValues } from "../add-on-descriptor";
import { KUBERNETES_API_EGRESS, metricsIngress } from "../network-allow";

const IMAGE = "sustainable_computing_io/kepler";
/** The Kepler image of chart 0.11.1: its Chart.yaml's appVersion. */
const TAG = "v0.11.1";
const AGENT = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } };

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
export const kepler = defineAddOn({
  name: "kepler",
  chart: "kepler",
  /** 2025: the rewritten Kepler (0.10 onwards), whose chart is published with each release. */
  version: "0.11.1",
  imageTags: { [IMAGE]: TAG },
  namespace: "kepler",
  podSecurity: "privileged",
  podSecurityReason: "Kepler runs a privileged container that reads RAPL and hwmon counters from the host",
  credentialPaths: [],
  // labels: every object the chart renders and the DaemonSet's pods.
  labelValuePaths: [["labels"]],
  networkAllows: [
    KUBERNETES_API_EGRESS,
    {
      name: "kubelet-egress",
      direction: "egress",
      peers: [{ kind: "nodes" }],
      ports: [{ port: 10250 }],
      reason: "Kepler maps processes to pods through the kubelet of its node",
    },
    metricsIngress([28282]),
  ],
  dependencies: [{ addOn: "monitoring", reason: "its ServiceMonitor needs the Prometheus Operator CRDs" }],
  privilegedValues: {
    "daemonset.securityContext.privileged": "Kepler reads the RAPL and hwmon energy counters of the host, which a privileged container alone can",
  },
  nodeAgents: { kepler: AGENT },
  values: (context) => ({
    // The chart's tag defaults to `latest`: pinned to the chart's appVersion.
    image: { repository: mirrored(context.registries.images, IMAGE), tag: TAG },
    daemonset: {
      tolerations: everyNodeTolerations(),
      securityContext: { privileged: true },
      resources: resourceValues(AGENT),
    },
    // The chart logs at debug level by default.
    config: { log: { level: "info" } },
    serviceMonitor: { enabled: context.serviceMonitors },
  }),
});
