/* sysmisc: process-level syscalls whose results do not depend on the host: pipes (pipe2 with O_NONBLOCK and
 * O_CLOEXEC, EOF once the write end is closed, EAGAIN when empty, stdout redirected into a pipe with dup2),
 * chdir/fchdir with relative opens, nanosleep/clock_nanosleep (relative and TIMER_ABSTIME), sched_yield,
 * sched_getaffinity, getrusage, times, clock_getres. "sysmisc sigpipe" writes to a pipe whose read end is closed
 * and dies of SIGPIPE (exit status 141). Prints one line per step; exits 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static void step(const char *what, long rc)
{
    printf("%-40s = %ld%s%s\n", what, rc, rc < 0 ? " errno " : "", rc < 0 ? strerror(errno) : "");
}

static void pipes(void)
{
    int p[2];
    step("pipe2(O_NONBLOCK|O_CLOEXEC)", pipe2(p, O_NONBLOCK | O_CLOEXEC));
    printf("fds %d %d cloexec %d %d\n", p[0], p[1], fcntl(p[0], F_GETFD), fcntl(p[1], F_GETFD));
    char buf[256];
    step("read empty nonblocking (EAGAIN)", read(p[0], buf, sizeof buf));
    step("write 11", write(p[1], "hello pipe\n", 11));
    step("read", read(p[0], buf, sizeof buf));
    step("lseek on pipe (ESPIPE)", lseek(p[0], 0, SEEK_SET));
    step("write on read end (EBADF)", write(p[0], "x", 1));
    struct stat st;
    fstat(p[0], &st);
    printf("S_ISFIFO %d\n", S_ISFIFO(st.st_mode));
    step("F_GETFL & (O_ACCMODE|O_NONBLOCK)", fcntl(p[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
    close(p[1]);
    step("read after writer closed (EOF)", read(p[0], buf, sizeof buf));
    close(p[0]);

    /* A 64 KiB pipe holds 64 KiB; more would block. */
    step("pipe", pipe(p));
    static char big[70000];
    memset(big, 'z', sizeof big);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    long total = 0;
    for (int i = 0; i < 100; i++)
    {
        const ssize_t n = write(p[1], big, 4096);
        if (n <= 0)
        {
            break;
        }
        total += n;
    }
    printf("filled pipe with %ld bytes in 4 KiB writes\n", total);
    long got = 0;
    for (;;)
    {
        const ssize_t n = read(p[0], big, sizeof big);
        got += n;
        if (got >= total)
        {
            break;
        }
    }
    printf("drained %ld bytes\n", got);
    close(p[0]);
    close(p[1]);

    /* stdout into a pipe and back */
    fflush(stdout);
    step("pipe", pipe(p));
    const int saved = dup(1);
    dup2(p[1], 1);
    printf("this line went through a pipe\n");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(p[1]);
    const ssize_t n = read(p[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("captured %zd bytes: %s", n, buf);
    close(p[0]);
}

static void directories(void)
{
    mkdir("sysmisc-dir", 0755);
    const int here = open(".", O_RDONLY | O_DIRECTORY);
    step("chdir sysmisc-dir", chdir("sysmisc-dir"));
    char cwd[4096];
    getcwd(cwd, sizeof cwd);
    const char *base = strrchr(cwd, '/');
    printf("cwd ends in %s\n", base ? base : cwd);
    const int fd = open("inside.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    step("write relative to new cwd", write(fd, "abc", 3));
    close(fd);
    step("chdir missing (ENOENT)", chdir("nope"));
    step("chdir to a file (ENOTDIR)", chdir("inside.txt"));
    step("fchdir back", fchdir(here));
    step("file visible from the old cwd", access("sysmisc-dir/inside.txt", F_OK));
    step("fchdir bad fd (EBADF)", fchdir(99));
    unlink("sysmisc-dir/inside.txt");
    step("rmdir", rmdir("sysmisc-dir"));
    close(here);
}

static void timing(void)
{
    struct timespec ts = {0, 2000000}, res;
    step("nanosleep 2 ms", nanosleep(&ts, NULL));
    struct timespec bad = {0, 1000000000};
    step("nanosleep bad nsec (EINVAL)", nanosleep(&bad, NULL));
    printf("clock_nanosleep relative = %d\n", clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL));
    struct timespec before, after, until;
    clock_gettime(CLOCK_MONOTONIC, &before);
    until = before;
    until.tv_nsec += 3000000;
    if (until.tv_nsec >= 1000000000)
    {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    printf("clock_nanosleep abstime = %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL));
    clock_gettime(CLOCK_MONOTONIC, &after);
    const long elapsed_us = (after.tv_sec - before.tv_sec) * 1000000L + (after.tv_nsec - before.tv_nsec) / 1000;
    printf("slept at least 3 ms: %d\n", elapsed_us >= 3000);
    printf("clock_nanosleep bad clock = %d\n", clock_nanosleep(12345, 0, &ts, NULL));
    step("clock_getres REALTIME", clock_getres(CLOCK_REALTIME, &res));
    step("clock_getres bad clock (EINVAL)", clock_getres(12345, &res));
    step("sched_yield", sched_yield());
    cpu_set_t set;
    CPU_ZERO(&set);
    const int rc = sched_getaffinity(0, sizeof set, &set);
    printf("sched_getaffinity rc %d, at least one cpu %d\n", rc, CPU_COUNT(&set) >= 1);
    struct rusage ru;
    step("getrusage SELF", getrusage(RUSAGE_SELF, &ru));
    struct tms t;
    printf("times ok %d\n", times(&t) != (clock_t)-1);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "sigpipe") == 0)
    {
        int p[2];
        pipe(p);
        close(p[0]);
        printf("writing to a pipe without readers\n");
        fflush(stdout);
        write(p[1], "x", 1);
        printf("not reached\n");
        return 1;
    }
    pipes();
    directories();
    timing();
    return 0;
}
