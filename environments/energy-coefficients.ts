/**
 * The energy model's coefficients, in one table, each with its source. The environment schema
 * takes its defaults from here (environments/schema.ts) and estate/energy.ts its constants;
 * docs/energy-and-placement.md lists the same table with the sources spelled out. Nothing else
 * in the code base writes one of these numbers.
 *
 * CCF: Cloud Carbon Footprint methodology, cloudcarbonfootprint.org/docs/methodology
 * (sections "Energy Estimate (Watt-Hours)", "Memory", "Storage", "Networking", "Embodied
 * Emissions", and Appendix I and III).
 */

/** One coefficient: its value, its unit and where it comes from. */
export interface Coefficient {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
}

/** GB per GiB and TB per TiB: CCF's figures are per decimal GB and TB, govcloud declares GiB. */
export const GB_PER_GIB = 1.073741824;
export const TB_PER_TIB = 1.099511627776;

export const CCF = {
  cpuMinWattsPerVcpu: {
    value: 0.74,
    unit: "W per vCPU",
    source: "CCF Appendix I: average minimum watts of AWS processors (SPECpower), the compute coefficient at 0% utilisation",
  },
  cpuMaxWattsPerVcpu: {
    value: 3.5,
    unit: "W per vCPU",
    source: "CCF Appendix I: average maximum watts of AWS processors (SPECpower), the compute coefficient at 100% utilisation",
  },
  memoryWattsPerGB: {
    value: 0.392,
    unit: "W per GB",
    source: "CCF 'Memory': 0.392 W per GB, the average of Crucial's and Micron's DDR4 power figures",
  },
  gpuIdleWatts: { value: 35, unit: "W per GPU", source: "CCF Appendix III: NVIDIA GPUs (V100, P100) at idle" },
  gpuMaxWatts: { value: 306, unit: "W per GPU", source: "CCF Appendix III: NVIDIA GPUs (V100, P100) at full load" },
  ssdWattHoursPerTBHour: {
    value: 1.2,
    unit: "Wh per TB-hour",
    source: "CCF 'Storage': SSD 1.2 Wh per TB-hour (a 5 TB SSD at 6 W)",
  },
  hddWattHoursPerTBHour: {
    value: 0.65,
    unit: "Wh per TB-hour",
    source: "CCF 'Storage': HDD 0.65 Wh per TB-hour (a 10 TB HDD at 6.5 W)",
  },
  networkKWhPerGB: {
    value: 0.001,
    unit: "kWh per GB",
    source: "CCF 'Networking': 0.001 kWh per GB of data transferred, the coefficient CCF chose for traffic between cloud regions",
  },
  averageUtilisation: {
    value: 0.5,
    unit: "share",
    source: "CCF's fallback when utilisation is not measured: the 2016 U.S. Data Center Energy Usage Report's projection for hyperscale servers",
  },
  serverLifetimeYears: {
    value: 4,
    unit: "years",
    source: "CCF 'Embodied Emissions': a 4-year server lifespan, as Teads assume after Dell's PowerEdge R740 life-cycle assessment",
  },
  /**
   * Not a CCF coefficient: CCF takes each cloud instance type's embodied emissions from Teads'
   * dataset, which has no entry for a machine govcloud declares. A round figure to be replaced
   * by the vendor's product carbon footprint; the docs say so.
   */
  embodiedKgCO2ePerServer: {
    value: 1000,
    unit: "kgCO2e per machine",
    source: "an assumption, not a measurement: put the vendor's product carbon footprint here (for scale: Dell's 2011 study of a PowerEdge R710 found 6,360 kgCO2e over its life, the use phase over 90% of it)",
  },
} as const satisfies Record<string, Coefficient>;

/** The node pool power model's defaults, derived from {@link CCF} (environments/schema.ts). */
export const DEFAULT_POWER = {
  wattsPerCore: CCF.cpuMaxWattsPerVcpu.value,
  idleShare: CCF.cpuMinWattsPerVcpu.value / CCF.cpuMaxWattsPerVcpu.value,
  wattsPerGiB: CCF.memoryWattsPerGB.value * GB_PER_GIB,
  wattsPerGpu: CCF.gpuMaxWatts.value,
  gpuIdleShare: CCF.gpuIdleWatts.value / CCF.gpuMaxWatts.value,
  wattsPerTiB: CCF.ssdWattHoursPerTBHour.value * TB_PER_TIB,
} as const;
