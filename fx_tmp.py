import time, sys
from tracktwo.core.settings import Settings
from tracktwo import pipeline
from tracktwo.core.workers import process_pool
import os
if os.environ.get("NOSYNC"):
    os.fsync = lambda fd: None
def only_extract(sid):
    c = pipeline._WORKER_CONFIG
    t = time.thread_time(); w = time.perf_counter()
    pipeline.extract_source(c, c.source(sid))
    return time.thread_time() - t, time.perf_counter() - w
if __name__ == "__main__":
    mode = sys.argv[1]
    cfg = pipeline.open_config(Settings.from_env('/tmp/fik/config', '/tmp/fik/dx'))
    srcs = cfg.enabled_sources()
    with process_pool(cfg.settings.workers, pipeline._setup_ingest_worker, (cfg.settings.for_worker(),), threads=int(sys.argv[2])) as pool:
        pool.submit(pow, 1, 1).result()
        t0 = time.perf_counter()
        fn = only_extract if mode == "extract" else pipeline._extract_and_prepare
        futs = [pool.submit(fn, s.id) for s in srcs]
        res = [f.result() for f in futs]
        print(mode, sys.argv[2], f"{time.perf_counter()-t0:.2f} s")
        if mode == "extract":
            print("task cpu sum", round(sum(r[0] for r in res), 2), "task wall mean ms", round(1000*sum(r[1] for r in res)/len(res), 1))
