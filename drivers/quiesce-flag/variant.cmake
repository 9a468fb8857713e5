# devnp-quiesce-flag.so — drivers/quiesce-pulse/qdrv.c in the second quiesce pattern of
# the io-pkt documents: a looping thread polls a flag its quiesce callback sets (seed 002).
set(VARIANT_OF quiesce-pulse)
set(VARIANT_DEFINES QDRV_PATTERN_FLAG=1)
