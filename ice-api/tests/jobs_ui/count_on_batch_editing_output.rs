// Scene_Batch_Editing renders one video per project: its output has no `Count`.
use ice_api::media_production::BatchEditingOutputConfig;

fn main() {
    let _output = BatchEditingOutputConfig::new("http://b/x_{index}.mp4").with_count(2);
}
