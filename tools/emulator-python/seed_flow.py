#!/usr/bin/env python3
"""Drive the ICE seed flow against `ice-emulator` with the OFFICIAL Python SDK.

Nothing here knows the emulator: it is the SDK (`alibabacloud-ice20201109`, pinned in
requirements.txt) pointed at an endpoint, exactly as a Python user would point it at ICE. Steps:

1. SetEventCallback (HTTP, callback authentication on) and GetEventCallback;
2. SubmitSceneMediaSelectionJob for both JobTypes (Smart_Mix_Media_Select and
   Screen_Media_Highlights_Media_Select), with UserData.NotifyAddress pointing at a small
   receiver in this script; poll GetBatchMediaProducingJob to Finished; check the selection;
3. ListBatchMediaProducingJobs finds both jobs;
4. SubmitSceneTimelineOrganizationJob with the selection result, polled to Finished;
5. one call signed with the older V2 algorithm (signature_algorithm='v2');
6. the receiver got a BatchProduceMediaComplete for each selection job, and each carried a valid
   X-ICE-SIGNATURE (md5 of "url|timestamp|key", checked here independently);
7. a short throughput figure: signed GetBatchMediaProducingJob calls per second.

Exits 0 when everything matched, 1 with a message on the first mismatch.

    python seed_flow.py --endpoint http://127.0.0.1:PORT [--access-key-id ID --access-key-secret S]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

from alibabacloud_ice20201109 import models as ice
from alibabacloud_ice20201109.client import Client
from alibabacloud_tea_openapi.models import Config

AUTH_KEY = "SeedFlowKey2024"
MEDIA = ["****b4549d46c88681030f6e****", "****c88681030f6eb4549d46****"]
TEXTS = ["Summer is here. Pack your bags!", "第一句文案。第二句文案。"]
OUTPUT = "https://example-bucket.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4"


class Mismatch(Exception):
    """The emulator answered something the flow did not expect."""


def check(cond: bool, what: str) -> None:
    if not cond:
        raise Mismatch(what)


class Receiver:
    """A loopback HTTP server that verifies ICE callbacks the way Alibaba documents it."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.refused: list[str] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = min(int(self.headers.get("Content-Length", "0")), 1 << 20)
                body = self.rfile.read(length)
                ts = self.headers.get("X-ICE-TIMESTAMP", "")
                sig = self.headers.get("X-ICE-SIGNATURE", "")
                want = hashlib.md5(f"{outer.url}|{ts}|{AUTH_KEY}".encode()).hexdigest()
                fresh = ts.isdigit() and abs(time.time() - int(ts)) <= 300
                with outer.lock:
                    if fresh and hmac.compare_digest(want, sig.lower()):
                        outer.events.append(json.loads(body))
                        self.send_response(200)
                    else:
                        outer.refused.append(f"ts={ts!r}")
                        self.send_response(401)
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ice/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def client(endpoint: str, ak: str, secret: str, v2: bool = False) -> Client:
    url = urlparse(endpoint)
    cfg = Config(
        access_key_id=ak,
        access_key_secret=secret,
        endpoint=url.netloc,
        protocol=url.scheme,
        region_id="cn-shanghai",
    )
    if v2:
        cfg.signature_algorithm = "v2"
    return Client(cfg)


def wait_finished(c: Client, job_id: str, timeout: float = 30.0) -> ice.GetBatchMediaProducingJobResponseBodyEditingBatchJob:
    deadline = time.monotonic() + timeout
    while True:
        job = c.get_batch_media_producing_job(
            ice.GetBatchMediaProducingJobRequest(job_id=job_id)
        ).body.editing_batch_job
        check(job.job_id == job_id, f"GetBatchMediaProducingJob returned {job.job_id}, not {job_id}")
        check(job.status in ("Init", "Processing", "Finished"), f"job {job_id}: status {job.status}")
        if job.status == "Finished":
            return job
        check(time.monotonic() < deadline, f"job {job_id} not Finished within {timeout} s")
        time.sleep(0.05)


def run(endpoint: str, ak: str, secret: str, requests: int) -> None:
    c = client(endpoint, ak, secret)
    receiver = Receiver()

    # 1. Callback settings.
    c.set_event_callback(
        ice.SetEventCallbackRequest(
            callback_type="HTTP",
            callback_url=receiver.url,
            auth_switch="on",
            auth_key=AUTH_KEY,
            event_type_list="BatchProduceMediaComplete",
        )
    )
    got = c.get_event_callback().body
    check(got.callback_type == "HTTP", f"GetEventCallback CallbackType {got.callback_type}")
    check(got.callback_url == receiver.url, f"GetEventCallback CallbackURL {got.callback_url}")
    check(got.auth_switch == "on", f"GetEventCallback AuthSwitch {got.auth_switch}")
    check(got.event_type_list == "BatchProduceMediaComplete", f"EventTypeList {got.event_type_list}")
    print("SetEventCallback/GetEventCallback: ok")

    # 2. Media selection, both JobTypes.
    user_data = json.dumps({"NotifyAddress": receiver.url})
    inputs = {
        "Smart_Mix_Media_Select": {"MediaArray": MEDIA, "SpeechTextArray": TEXTS},
        "Screen_Media_Highlights_Media_Select": {
            "MediaArray": MEDIA,
            "HighlightStrategy": {"TargetDuration": 60},
        },
    }
    jobs = {}
    for job_type, input_config in inputs.items():
        resp = c.submit_scene_media_selection_job(
            ice.SubmitSceneMediaSelectionJobRequest(
                job_type=job_type,
                input_config=json.dumps(input_config, ensure_ascii=False),
                output_config=json.dumps({"MediaURL": OUTPUT, "Count": 1}),
                user_data=user_data,
            )
        )
        check(bool(resp.body.job_id) and len(resp.body.job_id) == 32, f"{job_type}: JobId {resp.body.job_id}")
        jobs[job_type] = resp.body.job_id
    results = {}
    for job_type, job_id in jobs.items():
        job = wait_finished(c, job_id)
        check(job.job_type == job_type, f"{job_id}: JobType {job.job_type}")
        check(job.user_data == user_data, f"{job_id}: UserData not echoed")
        results[job_type] = job.extend_output
        print(f"{job_type}: {job_id} Finished")
    selection = json.loads(results["Smart_Mix_Media_Select"])
    per_text = selection.get("textMatchMediaOutputList", [])
    check(len(per_text) == len(TEXTS), f"one selection entry per SpeechTextArray item, got {len(per_text)}")
    for entry in per_text:
        for sentence in entry["textMatchMediaSentenceOutputList"]:
            for clip in sentence["matchClipList"]:
                check(clip["mediaId"] in MEDIA, f"clip from an unknown media {clip['mediaId']}")
    highlights = json.loads(results["Screen_Media_Highlights_Media_Select"])
    check(len(highlights.get("highlightClipList", [])) > 0, "highlight clips selected")

    # 3. Listing.
    listed = c.list_batch_media_producing_jobs(
        ice.ListBatchMediaProducingJobsRequest(max_results=100, status="Finished")
    ).body
    listed_ids = {j.job_id for j in listed.editing_batch_job_list}
    check(set(jobs.values()) <= listed_ids, f"ListBatchMediaProducingJobs misses {set(jobs.values()) - listed_ids}")
    print(f"ListBatchMediaProducingJobs: {len(listed_ids)} jobs, both found")

    # 4. Timeline organization with the selection result.
    tl = c.submit_scene_timeline_organization_job(
        ice.SubmitSceneTimelineOrganizationJobRequest(
            job_type="Smart_Mix_Timeline_Organize",
            media_select_result=results["Smart_Mix_Media_Select"],
            input_config=json.dumps(inputs["Smart_Mix_Media_Select"], ensure_ascii=False),
            output_config=json.dumps({"MediaURL": OUTPUT, "Count": 2}),
        )
    ).body.job_id
    organized = wait_finished(c, tl)
    projects = [s.project_id for s in organized.sub_job_list or [] if s.project_id]
    check(len(projects) == 2, f"timeline organization: 2 projects, got {projects}")
    print(f"Smart_Mix_Timeline_Organize: {tl} Finished, projects {projects}")

    # 5. The older V2 signature.
    v2 = client(endpoint, ak, secret, v2=True)
    job = v2.get_batch_media_producing_job(
        ice.GetBatchMediaProducingJobRequest(job_id=tl)
    ).body.editing_batch_job
    check(job.job_id == tl and job.status == "Finished", f"V2-signed GetBatchMediaProducingJob: {job.job_id} {job.status}")
    print("V2-signed GetBatchMediaProducingJob: ok")

    # 6. Verified callbacks for both selection jobs (the timeline job has no NotifyAddress, but
    # the account callback URL is set, so it calls back too).
    deadline = time.monotonic() + 15
    want = set(jobs.values()) | {tl}
    while True:
        with receiver.lock:
            seen = {
                e["MessageBody"]["JobId"]
                for e in receiver.events
                if e.get("EventType") == "BatchProduceMediaComplete"
            }
            refused = list(receiver.refused)
        check(not refused, f"callbacks with a bad signature: {refused}")
        if want <= seen:
            break
        check(time.monotonic() < deadline, f"callbacks missing for {want - seen}")
        time.sleep(0.05)
    print(f"callbacks: {len(seen)} BatchProduceMediaComplete events, all signatures valid")
    receiver.server.shutdown()

    # 7. Throughput of the official SDK (one thread, sequential calls).
    started = time.perf_counter()
    for _ in range(requests):
        c.get_batch_media_producing_job(ice.GetBatchMediaProducingJobRequest(job_id=tl))
    elapsed = time.perf_counter() - started
    print(f"python SDK: {requests} signed GetBatchMediaProducingJob in {elapsed:.2f} s: {requests / elapsed:.0f} requests/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--access-key-id", default="emulator-access-key-id")
    parser.add_argument("--access-key-secret", default="emulator-access-key-secret")
    parser.add_argument("--requests", type=int, default=500, help="calls for the throughput figure")
    args = parser.parse_args()
    try:
        run(args.endpoint, args.access_key_id, args.access_key_secret, args.requests)
    except Mismatch as e:
        print(f"seed flow MISMATCH: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # an SDK error (e.g. a rejected signature) is a mismatch too
        print(f"seed flow FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print("seed flow: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
