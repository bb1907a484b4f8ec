// The page's state in one store: the scenario the core last accepted with its results, the pinned
// comparison, the view, and what each view computed lazily (frontier, max context, the paper).
// Every core call goes through `requests` (requests.ts), latest-wins per channel.
import type {
  CalibrateAnswer,
  DescribeModelAnswer,
  Evaluation,
  FrontierAnswer,
  FrontierCompareAnswer,
  MaxContextAnswer,
  ReproduceAnswer,
  SearchAnswer,
} from './core-results.ts';

export const VIEWS = [
  ['answer', 'Answer'],
  ['breakdown', 'Breakdown'],
  ['frontier', 'Frontiers'],
  ['layout', 'Layout'],
  ['compare', 'Compare'],
  ['context', 'Max context'],
  ['paper', 'Paper'],
] as const;
export type View = (typeof VIEWS)[number][0];
export const isView = (v: string | undefined): v is View => VIEWS.some(([id]) => id === v);

/** The request channels (requests.ts): one per independent thing the page computes. */
export const CHANNEL = {
  /** The accepted scenario: a form edit, a link, a loaded point or candidate. */
  scenario: 'scenario',
  frontier: 'frontier',
  context: 'context',
  paper: 'paper',
  calibrate: 'calibrate',
  runIt: 'run-it',
  /** A pasted Hugging Face config.json, converted (scenario-form.ts). */
  hfImport: 'hf-import',
  /** Start-up: presets. */
  setup: 'setup',
} as const;

export interface Store {
  /** The scenario text the core last accepted ('' before the first answer). */
  accepted: string;
  /** The pinned comparison scenario (Compare view). */
  pinned: string | undefined;
  view: View;
  /** The evaluate-shaped result of `accepted` (search's best when the page searches). */
  current: Evaluation | null;
  /** The whole search() answer (objective, ranked candidates, stats) when the page searches. */
  searchAnswer: SearchAnswer | null;
  /** The core's answer text for the accepted scenario (evaluate() or search()), exported verbatim
   *  as JSON, and its parsed form, flattened for the CSV export. */
  currentText: string;
  currentAnswer: unknown;
  modelDesc: DescribeModelAnswer | null;
  pinnedResult: Evaluation | null;
  frontier: FrontierAnswer | FrontierCompareAnswer | null;
  /** The frontier request `frontier` answers. */
  frontierFor: string;
  /** The hardware presets (id, name) the Frontiers view can compare with. */
  hardwarePresets: { id: string; name: string }[];
  /** The presets the Frontiers view compares the scenario's chip with ("hw" in the link). */
  compareHardware: string[];
  context: MaxContextAnswer | null;
  contextFor: string;
  /** Share of HBM kept for the KV cache in the Max context view: "0.3" (Table 1), "0.5" or "free". */
  kvFraction: string;
  /** The paper view: reproduce()'s rows (computed once), and the user's measurement file and fit. */
  paper: ReproduceAnswer | null;
  paperStarted: boolean;
  measurementsText: string;
  fitResult: CalibrateAnswer | null;
  fitError: string;
}

export function createStore(): Store {
  return {
    accepted: '',
    pinned: undefined,
    view: 'answer',
    current: null,
    searchAnswer: null,
    currentText: '',
    currentAnswer: null,
    modelDesc: null,
    pinnedResult: null,
    frontier: null,
    frontierFor: '',
    hardwarePresets: [],
    compareHardware: [],
    context: null,
    contextFor: '',
    kvFraction: '0.3',
    paper: null,
    paperStarted: false,
    measurementsText: '',
    fitResult: null,
    fitError: '',
  };
}
