// What the generated declarations must refuse, and the seed request as a TS caller writes it.
// Compiled by check_types.mjs with `tsc --strict --noEmit` against the declarations it generates
// (`@ice-schema/<file>` is `<schema-dir>/<file>.schema.json`). An `@ts-expect-error` that no
// longer finds an error fails the compile (TS2578), so a type that stops refusing a value is seen.

import type { GetBatchMediaProducingJobResponse } from "@ice-schema/GetBatchMediaProducingJobResponse";
import type { SubmitSceneMediaSelectionJobRequest } from "@ice-schema/SubmitSceneMediaSelectionJobRequest";
import type { BatchJobStatus } from "@ice-schema/types/BatchJobStatus";
import type { OutputConfig } from "@ice-schema/types/OutputConfig";
import type { SmartMixInputConfig } from "@ice-schema/types/SmartMixInputConfig";
import countAsString from "../../ice-api/tests/fixtures/jobs/bad/OutputConfig.count-as-string.json";

// The seed request: the configs are typed, then travel as JSON strings. (The fixtures themselves
// are inlined by check_types.mjs: a JSON import types `MediaArray` as `string[]`, which the
// non-empty tuple generated for `minItems: 1` does not accept.)
const input: SmartMixInputConfig = { MediaArray: ["****b4549d46c88681030f6e****"], SpeechTextArray: ["…"] };
const output: OutputConfig = { MediaURL: "http://b.oss-cn-shanghai.aliyuncs.com/x_{index}.mp4", Count: 1 };
export const seed: SubmitSceneMediaSelectionJobRequest = {
  JobType: "Smart_Mix_Media_Select",
  InputConfig: JSON.stringify(input),
  OutputConfig: JSON.stringify(output),
};

// @ts-expect-error the known-bad fixture: Count is an integer, not a string
export const badCount: OutputConfig = countAsString;

// @ts-expect-error Width is an integer, not a string
export const badWidth: OutputConfig = { MediaURL: "http://b/x_{index}.mp4", Width: "1080" };

// @ts-expect-error MediaURL is required
export const noMediaUrl: OutputConfig = { Count: 1 };

export const unknownJobType: SubmitSceneMediaSelectionJobRequest = {
  // @ts-expect-error not a JobType of this operation
  JobType: "Smart_Mix",
  InputConfig: JSON.stringify(input),
  OutputConfig: JSON.stringify(output),
};

// @ts-expect-error a request with no InputConfig is not one of the JobType shapes
export const noInput: SubmitSceneMediaSelectionJobRequest = {
  JobType: "Smart_Mix_Media_Select",
  OutputConfig: JSON.stringify(output),
};

export const wrongEncoding: SubmitSceneMediaSelectionJobRequest = {
  JobType: "Smart_Mix_Media_Select",
  // @ts-expect-error a JSON-string parameter takes the JSON text, not the object
  InputConfig: input,
  OutputConfig: JSON.stringify(output),
};

// @ts-expect-error a status is a string
export const badStatus: BatchJobStatus = 3;

// Open: a status the service adds later is still a status.
export const laterStatus: BatchJobStatus = "Queuing";

// Reading a response: the status narrows to the listed literals.
export function finished(r: GetBatchMediaProducingJobResponse): boolean {
  return r.EditingBatchJob?.Status === "Finished";
}
