/* forkcost: how long fork(2) takes as the parent's resident memory grows. "forkcost MIB..." touches MIB MiB of
 * heap (one write per 4 KiB page), forks a child that exits at once, and prints the parent-side fork time and the
 * wait time in ms for each size. A benchmark: its times vary from run to run. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    printf("%8s %12s %12s\n", "MiB", "fork_ms", "wait_ms");
    for (int i = 1; i < argc; i++)
    {
        size_t bytes = (size_t)atol(argv[i]) << 20;
        char *heap = malloc(bytes + 1);
        for (size_t at = 0; at < bytes; at += 4096)
            heap[at] = (char)at;
        fflush(stdout);
        double start = now_ms();
        pid_t pid = fork();
        if (pid == 0)
            _exit(heap[bytes / 2] == (char)(bytes / 2) ? 0 : 1);
        double forked = now_ms();
        int status;
        waitpid(pid, &status, 0);
        double waited = now_ms();
        printf("%8s %12.2f %12.2f%s\n", argv[i], forked - start, waited - forked,
               WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : "  (child saw wrong data)");
        free(heap);
    }
    return 0;
}
