/* errnos: argument errors of common syscalls, whose errno does not depend on the host (issue 14's "smaller items"):
 * a trailing slash or a path through a regular file (ENOTDIR), read/write with a count past the address space
 * (EFAULT, checked before anything is transferred), rt_sigaction and rt_sigprocmask with bad pointers, sizes, signal
 * numbers and how (EFAULT, EINVAL), and mmap with a length of 0 (EINVAL) or one that page-aligns past the address
 * space (ENOMEM). Raw syscalls are used where glibc would check first. Prints one line per step; exits 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void step(const char *what, long rc)
{
    printf("%-44s = %ld%s%s\n", what, rc < 0 ? -1L : rc, rc < 0 ? " errno " : "", rc < 0 ? strerrorname_np(errno) : "");
}

int main(int argc, char **argv)
{
    char path[4096];
    (void)argc;
    snprintf(path, sizeof path, "%s/", argv[0]);
    step("open(self + \"/\")", open(path, O_RDONLY));
    snprintf(path, sizeof path, "%s/x", argv[0]);
    step("open(self + \"/x\")", open(path, O_RDONLY));
    step("stat(self + \"/.\")", ({ struct stat st; snprintf(path, sizeof path, "%s/.", argv[0]); stat(path, &st); }));

    char buf[16];
    step("write(1, buf, (size_t)-1)", syscall(SYS_write, 1, buf, (size_t)-1));
    step("read(0, buf, (size_t)-1)", syscall(SYS_read, 0, buf, (size_t)-1));
    step("write(1, buf, 1 << 40)", syscall(SYS_write, 1, buf, 1UL << 40));
    step("write(99, buf, 1)", syscall(SYS_write, 99, buf, 1));

    step("rt_sigaction(SIGUSR1, bad act)", syscall(SYS_rt_sigaction, SIGUSR1, (void *)8, NULL, 8));
    step("rt_sigaction(SIGUSR1, NULL, bad oldact)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, (void *)8, 8));
    step("rt_sigaction(SIGUSR1, sigsetsize 4)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4));
    step("rt_sigaction(0)", syscall(SYS_rt_sigaction, 0, NULL, NULL, 8));
    step("rt_sigaction(65)", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    step("sigaction(SIGKILL, SIG_IGN)", sigaction(SIGKILL, &sa, NULL));
    step("sigaction(SIGUSR1, SIG_IGN)", sigaction(SIGUSR1, &sa, NULL));
    step("rt_sigprocmask(how 7, set)", syscall(SYS_rt_sigprocmask, 7, buf, NULL, 8));
    step("rt_sigprocmask(how 7, NULL)", syscall(SYS_rt_sigprocmask, 7, NULL, NULL, 8));
    step("rt_sigprocmask(SIG_BLOCK, bad set)", syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8));
    step("rt_sigprocmask(SIG_BLOCK, sigsetsize 16)", syscall(SYS_rt_sigprocmask, SIG_BLOCK, buf, NULL, 16));

    void *p = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    step("mmap(length 0)", p == MAP_FAILED ? -1 : 0);
    p = mmap(NULL, (size_t)-1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    step("mmap(length -1)", p == MAP_FAILED ? -1 : 0);
    p = mmap(NULL, 1UL << 50, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    step("mmap(length 2^50)", p == MAP_FAILED ? -1 : 0);
    return 0;
}
