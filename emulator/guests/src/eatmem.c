/* eatmem CHUNK_MIB: mallocs CHUNK_MIB MiB chunks and writes every page until malloc returns NULL, then prints how
 * many chunks it got and exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
    const size_t chunk = (size_t)(argc > 1 ? atoi(argv[1]) : 64) << 20;
    int n = 0;
    for (;;)
    {
        char *p = malloc(chunk);
        if (p == NULL)
        {
            break;
        }
        for (size_t i = 0; i < chunk; i += 4096)
        {
            p[i] = (char)(i >> 12);
        }
        n++;
        if (n > 10000) break;
    }
    printf("malloc failed after %d chunks\n", n);
    return 0;
}
