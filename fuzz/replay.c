/* replay.c - run a fuzz target's LLVMFuzzerTestOneInput on files, without
 * libFuzzer: how the regression tests replay tests/crashes/ and seed samples
 * under the ordinary sanitizer build (gcc, no clang needed).
 *
 *   replay_dns FILE...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		uint8_t *buf = malloc(1 << 20);
		if (!buf)
			return 2;
		size_t len = fread(buf, 1, 1 << 20, f);
		fclose(f);
		/* exact-size copy so ASan sees reads past the input */
		uint8_t *exact = malloc(len ? len : 1);
		if (!exact)
			return 2;
		for (size_t k = 0; k < len; k++)
			exact[k] = buf[k];
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
		n++;
	}
	printf("replayed %d inputs\n", n);
	return 0;
}
