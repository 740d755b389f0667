/**
 * List prices: the one cited table of the library. Pure data without CDK imports, so that pure
 * modules (sizing rules, planners) and constructs read the same figures. Each price names its unit,
 * its sources and the date it was checked; a price that could not be read on the AWS pricing page
 * itself is marked `estimate`. New services add a section to {@link RegionPrices} and a price to
 * {@link PRICES_US_EAST_1} (and to other Regions' tables as they are added).
 *
 * Prices change: a construct that uses them takes an override (LustreScratch: `prices`).
 *
 * It lives in `core/`, the bottom layer, so that every area, the planner and the CLI can read it
 * without a sideways import; it imports nothing, so pure modules may import it too.
 */

/** One price. @internal */
export interface Price {
  /** US dollars per unit. */
  readonly usd: number;
  /** The unit, as the pricing page states it, such as `GB-month`. */
  readonly unit: string;
  /** Where the figure comes from: the AWS pricing page first, then what was read to confirm it. */
  readonly sources: ReadonlyArray<string>;
  /** The date the figure was last checked, `YYYY-MM-DD`. */
  readonly checked: string;
  /**
   * True when the figure could not be read on the AWS pricing page itself and was taken from
   * sources that quote it; such a figure is an estimate until someone reads it there.
   */
  readonly estimate: boolean;
}

/** FSx for Lustre storage prices. @internal */
export interface FsxLustrePrices {
  /** PERSISTENT_2 SSD storage per GB-month, by throughput per unit of storage (MB/s/TiB: 125, 250, 500, 1000). */
  readonly persistent2SsdByPerUnitThroughput: Readonly<Record<number, Price>>;
  /** Scratch SSD storage per GB-month (the pricing page's one scratch rate, 200 MB/s/TiB baseline). */
  readonly scratchSsd: Price;
}

/** The prices of one Region. @internal */
export interface RegionPrices {
  /** The Region, such as `us-east-1`. */
  readonly region: string;
  /** Amazon FSx for Lustre. */
  readonly fsxLustre: FsxLustrePrices;
}

/** The AWS pricing page of FSx for Lustre. @internal */
export const FSX_LUSTRE_PRICING_URL = 'https://aws.amazon.com/fsx/lustre/pricing/';

/**
 * Secondary sources for the FSx for Lustre figures. The pricing page's stored copy (searched
 * 2026-12-01) holds its text and examples but not the rate table, which the page loads separately:
 * the figures below are those two sources quote from it for US East (N. Virginia), and they agree.
 */
const FSX_LUSTRE_SECONDARY_SOURCES = [
  // "Table: Lustre SSD File System Pricing for us-east-1 region": 125, 250, 500, 1000 MB/s/TB at
  // $0.145, $0.210, $0.340, $0.600 per GB-month; scratch 200 MB/s/TiB at $0.140.
  'https://github.com/CMASCenter/pcluster-cmaq/blob/main/docs/user_guide_pcluster/System-Req/system-requirements-parallel-cluster.md '
    + '("Lustre SSD File System Pricing for us-east-1 region")',
  // "persistent file systems ranges from 125 to 1,000 MB/s/TiB at prices ranging from $0.145 to
  // $0.600 per GB month ... Scratch ... 200 MB/s/TiB, costing $0.140 per GB month" (2023-05-04).
  'https://github.com/nextflow-io/website (blog, 2023-05-04: "Selecting the right storage architecture for your Nextflow pipelines")',
];

const CHECKED = '2026-12-01';

function fsxLustreSsd(usd: number, extraSource?: string): Price {
  return {
    usd,
    unit: 'GB-month',
    sources: [FSX_LUSTRE_PRICING_URL, ...FSX_LUSTRE_SECONDARY_SOURCES, ...(extraSource ? [extraSource] : [])],
    checked: CHECKED,
    estimate: true,
  };
}

/** List prices in US East (N. Virginia). @internal */
export const PRICES_US_EAST_1: RegionPrices = {
  region: 'us-east-1',
  fsxLustre: {
    persistent2SsdByPerUnitThroughput: {
      // Also "1.2 TB at 125 MB/s/TiB is ~$174/month ... ~$0.145/GB-month (SSD, 125 MB/s/TiB)".
      125: fsxLustreSsd(0.145, 'https://c3x.dev/resources/aws/aws_fsx_lustre_file_system/'),
      250: fsxLustreSsd(0.210),
      500: fsxLustreSsd(0.340),
      1000: fsxLustreSsd(0.600),
    },
    scratchSsd: fsxLustreSsd(0.140),
  },
};
