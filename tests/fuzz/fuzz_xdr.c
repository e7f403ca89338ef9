/*
 * fuzz_xdr - libFuzzer target: the pure codecs on their own (XDR getters
 * and encoder, RPC headers, universal addresses); see fuzz_codec.c.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run_codec(data, size);
	return 0;
}
