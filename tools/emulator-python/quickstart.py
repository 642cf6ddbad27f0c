"""The README's example: the official Python SDK against a running ice-emulator."""
import json
import sys
import time
from urllib.parse import urlparse

from alibabacloud_ice20201109 import models as ice
from alibabacloud_ice20201109.client import Client
from alibabacloud_tea_openapi.models import Config

endpoint = urlparse(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765")
client = Client(Config(
    access_key_id="emulator-access-key-id",          # the emulator's default pair
    access_key_secret="emulator-access-key-secret",
    endpoint=endpoint.netloc, protocol=endpoint.scheme, region_id="cn-shanghai",
))
job_id = client.submit_scene_media_selection_job(ice.SubmitSceneMediaSelectionJobRequest(
    job_type="Smart_Mix_Media_Select",
    input_config=json.dumps({"MediaArray": ["****media-1****"], "SpeechTextArray": ["Hello. Bye."]}),
    output_config=json.dumps({"MediaURL": "https://bucket.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4"}),
)).body.job_id
while (job := client.get_batch_media_producing_job(
        ice.GetBatchMediaProducingJobRequest(job_id=job_id)).body.editing_batch_job).status != "Finished":
    time.sleep(0.2)
print(job_id, job.extend_output)
