//! Compile-fail tests: job-type mismatches and missing required fields are rejected by the
//! compiler, not by the service minutes later. Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p ice-api --test jobs_ui` after a deliberate change.
// These operations and their config types exist only when the spec in use has them (a crate
// regenerated from another metadata file may not).
#![cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "SubmitSceneTimelineOrganizationJob",
    ice_op = "SubmitSceneBatchEditingJob",
    ice_op = "SubmitBatchMediaProducingJob"
))]

#[test]
fn job_type_mismatches_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/jobs_ui/*.rs");
}
