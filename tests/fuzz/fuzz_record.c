/*
 * fuzz_record - libFuzzer target: a TCP or AF_LOCAL byte stream fed to
 * the record reassembler in chunk sizes taken from the input, each
 * completed record compared with a reference reassembly and handed to
 * dispatch().  Input: selector byte, n, n chunk sizes (0: the rest), the
 * stream.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run_record(data, size);
	return 0;
}
