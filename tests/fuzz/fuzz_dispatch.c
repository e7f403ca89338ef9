/*
 * fuzz_dispatch - libFuzzer target: one request (a datagram, or a record
 * already reassembled) through dispatch(), from the caller its first byte
 * selects, with the invariants of fuzz_common.c checked after it.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run_dispatch(data, size);
	return 0;
}
