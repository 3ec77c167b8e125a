#!/bin/sh
# Run one Criterion suite with its results as TAP on stdout, for
# automake's TAP driver (which counts every test case).
exec "$1" --tap=/dev/stdout -q --jobs=1
