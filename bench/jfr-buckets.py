#!/usr/bin/env python3
"""Where a scan's time goes, from a JFR recording: execution samples bucketed by the first
matching frame anywhere on the stack (so "xz decode" counts every sample inside org.tukaani).

  java -XX:FlightRecorderOptions:stackdepth=256 -XX:StartFlightRecording=filename=scan.jfr,settings=profile \\
       -jar pipeline/target/btf-scan.jar scan --quiet --output /tmp/out PKG
  jfr print --json --stack-depth 256 --events jdk.ExecutionSample scan.jfr > samples.json
  bench/jfr-buckets.py samples.json
"""
import collections
import json
import sys

RULES = [  # label, substring of a frame's class.method; first match wins
    ("xz decode (org.tukaani)", "tukaani"),
    ("DirectRunner driver (WatermarkManager/QuiescenceDriver)", "WatermarkManager"),
    ("DirectRunner driver (WatermarkManager/QuiescenceDriver)", "QuiescenceDriver.fireTimers"),
    ("BTF validate", "BtfValidator"),
    ("BTF parse", "BtfParser"),
    ("fingerprint/classify", "BaseFingerprint"),
    ("module analysis (other)", "ModuleAnalyzer"),
    ("ELF read", "ModuleImage"),
    ("blob write", "BlobWriter"),
    ("tar/ar read (commons-compress)", "commons/compress"),
    ("coders", "Coder.encode"),
    ("coders", "Coder.decode"),
    ("JSON", "jackson"),
    ("sha256", "Sha256"),
]

events = json.load(open(sys.argv[1]))["recording"]["events"]
buckets = collections.Counter()
for e in events:
    frames = [f["method"]["type"]["name"] + "." + f["method"]["name"] for f in e["values"]["stackTrace"]["frames"]]
    stack = " ".join(frames)
    for label, key in RULES:
        if key in stack:
            buckets[label] += 1
            break
    else:
        top = frames[0].split("/")[-1] if frames else "none"
        buckets["other (" + top + ")"] += 1
print("%d samples" % len(events))
for label, n in buckets.most_common(int(sys.argv[2]) if len(sys.argv) > 2 else 12):
    print("%5.1f%%  %s" % (100.0 * n / len(events), label))
