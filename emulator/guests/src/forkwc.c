/* forkwc: a forked child does the work. The parent forks at once and waits; the child reads all of stdin, keeping a
 * malloc'd copy of every line, allocates and touches 8 MiB more, and prints a count and a checksum of both; the
 * parent then prints how the child ended. Written for ReplicationFailoverTest: a crash of the child's home while the
 * child waits for its first input line must not change the output (the child's later brk and mmap calls go to the
 * new home). Deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG (8u << 20)

static int child(void)
{
    size_t cap = 0, n = 0, bytes = 0;
    char **lines = NULL;
    char buf[4096];
    unsigned long sum = 0;
    while (fgets(buf, sizeof buf, stdin))
    {
        if (n == cap)
        {
            cap = cap ? 2 * cap : 64;
            lines = realloc(lines, cap * sizeof *lines);
            if (!lines)
                return 2;
        }
        lines[n] = strdup(buf);
        if (!lines[n])
            return 2;
        n++;
    }
    char *big = malloc(BIG);
    if (!big)
        return 3;
    for (size_t i = 0; i < BIG; i += 512)
        big[i] = (char)(i >> 9);
    for (size_t i = 0; i < n; i++)
    {
        for (const char *c = lines[i]; *c; c++)
            sum = sum * 31 + (unsigned char)*c;
        bytes += strlen(lines[i]);
        free(lines[i]);
    }
    for (size_t i = 0; i < BIG; i += 512)
        sum += (unsigned char)big[i];
    free(big);
    free(lines);
    printf("child: %zu lines, %zu bytes, checksum %lu\n", n, bytes, sum);
    return 0;
}

int main(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
    {
        perror("fork");
        return 1;
    }
    if (pid == 0)
    {
        int status = child();
        fflush(stdout);
        _exit(status);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
    {
        perror("waitpid");
        return 1;
    }
    if (WIFEXITED(status))
        printf("parent: child exited %d\n", WEXITSTATUS(status));
    else
        printf("parent: child killed by signal %d\n", WTERMSIG(status));
    return 0;
}
