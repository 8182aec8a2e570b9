/* forks: process creation and reaping. fork + a pipe between parent and child, wait4 exit codes, several
 * children, a grandchild, waitpid WNOHANG, waitid (P_PID, P_ALL, WNOHANG), a child killed by a signal, ECHILD, and
 * execve's errors (ENOENT, EACCES, ENOEXEC), and a fork while another thread runs. Output is deterministic: only one process prints at a time. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int counter = 100;

static void report(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("%s: exited %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by signal %d\n", what, WTERMSIG(status));
    else
        printf("%s: status 0x%x\n", what, status);
}

static void pipe_and_copy(size_t heap_bytes)
{
    unsigned char *heap = malloc(heap_bytes);
    for (size_t i = 0; i < heap_bytes; i++)
        heap[i] = (unsigned char)(i * 7);
    int fds[2];
    if (pipe(fds) != 0)
        perror("pipe");
    pid_t pid = fork();
    if (pid == 0)
    {
        close(fds[0]);
        unsigned long sum = 0;
        for (size_t i = 0; i < heap_bytes; i++)
            sum += heap[i];
        char msg[160];
        int n = snprintf(msg, sizeof msg, "child sees counter %d, heap sum %lu, parent is my ppid: %d\n",
                         counter, sum, getppid() > 1);
        for (int i = 0; i < 3; i++)
            write(fds[1], msg, n);
        counter = 7;
        memset(heap, 0, heap_bytes);
        _exit(3);
    }
    close(fds[1]);
    char buf[1000];
    size_t total = 0;
    ssize_t n;
    while ((n = read(fds[0], buf + total, sizeof buf - 1 - total)) > 0)
        total += n;
    buf[total] = 0;
    close(fds[0]);
    printf("parent read %zu bytes until EOF:\n%s", total, buf);
    int status;
    pid_t got = wait4(pid, &status, 0, NULL);
    printf("wait4 returned the child: %d\n", got == pid);
    report("pipe child", status);
    unsigned long sum = 0;
    for (size_t i = 0; i < heap_bytes; i++)
        sum += heap[i];
    printf("parent still sees counter %d, heap sum %lu\n", counter, sum);
    free(heap);
}

static void several_children(int count)
{
    pid_t pids[16];
    for (int i = 0; i < count; i++)
    {
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(10 * i + 1);
    }
    int seen[16] = {0};
    for (int i = 0; i < count; i++)
    {
        int status;
        pid_t got = wait4(-1, &status, 0, NULL);
        for (int j = 0; j < count; j++)
            if (pids[j] == got && WIFEXITED(status) && WEXITSTATUS(status) == 10 * j + 1)
                seen[j]++;
    }
    for (int i = 0; i < count; i++)
        printf("child %d reaped once with its status: %d\n", i, seen[i] == 1);
}

static void grandchild(void)
{
    pid_t pid = fork();
    if (pid == 0)
    {
        pid_t inner = fork();
        if (inner == 0)
            _exit(42);
        int status;
        waitpid(inner, &status, 0);
        _exit(WEXITSTATUS(status) + 1);
    }
    int status;
    waitpid(pid, &status, 0);
    report("child of a child", status);
}

static void nohang(void)
{
    int fds[2];
    pipe(fds);
    pid_t pid = fork();
    if (pid == 0)
    {
        char c;
        close(fds[1]);
        read(fds[0], &c, 1);
        _exit(c);
    }
    close(fds[0]);
    int status = -1;
    printf("waitpid WNOHANG while the child runs: %d\n", waitpid(pid, &status, WNOHANG));
    siginfo_t info;
    memset(&info, 0, sizeof info);
    printf("waitid WNOHANG while the child runs: %d, si_pid %d\n", waitid(P_ALL, 0, &info, WEXITED | WNOHANG),
           info.si_pid);
    char c = 9;
    write(fds[1], &c, 1);
    close(fds[1]);
    printf("waitpid blocking: %d\n", waitpid(pid, &status, 0) == pid);
    report("released child", status);
}

static void waitid_calls(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(5);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int r = waitid(P_PID, pid, &info, WEXITED);
    printf("waitid P_PID: %d signo %d code %d (CLD_EXITED %d) status %d pid matches %d\n", r, info.si_signo,
           info.si_code, CLD_EXITED, info.si_status, info.si_pid == pid);
    pid = fork();
    if (pid == 0)
    {
        kill(getpid(), SIGTERM);
        _exit(0);
    }
    memset(&info, 0, sizeof info);
    r = waitid(P_ALL, 0, &info, WEXITED);
    printf("waitid P_ALL: %d code %d (CLD_KILLED %d) status %d pid matches %d\n", r, info.si_code, CLD_KILLED,
           info.si_status, info.si_pid == pid);
    errno = 0;
    r = waitid(P_ALL, 0, &info, WEXITED | WNOHANG);
    printf("waitid without children: %d %s\n", r, strerror(errno));
    errno = 0;
    r = wait(NULL);
    printf("wait without children: %d %s\n", r, strerror(errno));
}

static void killed_child(void)
{
    pid_t pid = fork();
    if (pid == 0)
    {
        kill(getpid(), SIGTERM);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    report("child that sent itself SIGTERM", status);
}

static void exec_errors(void)
{
    char *argv[] = { "x", NULL };
    char *envp[] = { NULL };
    errno = 0;
    execve("./no-such-program", argv, envp);
    printf("execve of a missing file: %s\n", strerror(errno));
    int fd = open("forks-plain.txt", O_CREAT | O_TRUNC | O_WRONLY, 0644);
    write(fd, "plain text\n", 11);
    close(fd);
    errno = 0;
    execve("./forks-plain.txt", argv, envp);
    printf("execve of a file without execute permission: %s\n", strerror(errno));
    fd = open("forks-script.txt", O_CREAT | O_TRUNC | O_WRONLY, 0755);
    write(fd, "not an executable format\n", 25);
    close(fd);
    chmod("forks-script.txt", 0755);
    errno = 0;
    execve("./forks-script.txt", argv, envp);
    printf("execve of an executable text file: %s\n", strerror(errno));
    unlink("forks-plain.txt");
    unlink("forks-script.txt");
}

static volatile int spinning = 1;
static volatile unsigned long spins;

static void *spin(void *arg)
{
    (void)arg;
    while (spinning)
        spins++;
    return NULL;
}

static void fork_beside_a_thread(void)
{
    pthread_t thread;
    pthread_create(&thread, NULL, spin, NULL);
    while (spins == 0)
        ;
    pid_t pid = fork();
    if (pid == 0)
    {
        /* only the forking thread exists in the child; the copy of spinning is still 1 */
        _exit(spinning ? 21 : 22);
    }
    int status;
    waitpid(pid, &status, 0);
    spinning = 0;
    pthread_join(thread, NULL);
    report("child forked beside a running thread", status);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    size_t heap_bytes = argc > 1 ? (size_t)atol(argv[1]) << 10 : 64 << 10;
    int count = argc > 2 ? atoi(argv[2]) : 5;
    if (count > 16)
        count = 16;
    pipe_and_copy(heap_bytes);
    several_children(count);
    grandchild();
    nohang();
    waitid_calls();
    killed_child();
    exec_errors();
    fork_beside_a_thread();
    printf("parent done\n");
    return 0;
}
