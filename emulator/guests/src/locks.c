/* locks: file locks between processes (issue 15), in a scratch directory under the working directory. `locks MODE`:
 *   posix    fcntl record locks between a parent and its child: a conflicting F_SETLK fails EAGAIN, F_GETLK reports
 *            the holder's range, type and pid (printed as "is the parent"), locks of other ranges coexist, a child's
 *            locks go when it exits, and every POSIX lock of a process goes when it closes ANY descriptor of the file;
 *            errors: a read lock on a write-only descriptor (EBADF), a bad l_whence (EINVAL).
 *   wait     F_SETLKW waits until the holder unlocks.
 *   deadlock two processes each hold a byte and wait for the other's: the second wait fails EDEADLK.
 *   ofd      open file description locks: two descriptions of one process conflict, F_OFD_GETLK reports pid -1, they
 *            conflict with POSIX locks, survive the close of another descriptor and go with the description's last
 *            close.
 *   flock    flock(2): exclusive and shared, LOCK_NB (EWOULDBLOCK), independent of fcntl locks, shared by a forked
 *            child through the inherited description, released at the last close.
 *   hold, probe  two processes started apart (on two pComponents): `hold [SECONDS]` write-locks the file, creates
 *            locks-ready and holds the lock for SECONDS (default 1; a longer hold spans an sComponent restart in
 *            LockReclaimTest); `probe` waits for locks-ready, finds the lock (EAGAIN,
 *            F_GETLK: another process's write lock), then waits for it with F_SETLKW and gets it once `hold` exits.
 *            Both leave the scratch directory to the one that ends last (`probe`).
 * Prints one line per step; sleeps only order the two processes. Exits 0, or 1 when a step cannot continue. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIR_NAME "locks-scratch"
#define FILE_NAME DIR_NAME "/db"

static void step(const char *who, const char *what, long rc)
{
    printf("%-6s %-44s = %ld%s%s\n", who, what, rc, rc < 0 ? " errno " : "", rc < 0 ? strerror(errno) : "");
    fflush(stdout);
}

static int must(const char *what, long rc)
{
    if (rc < 0)
    {
        printf("%s failed: %s\n", what, strerror(errno));
        exit(1);
    }
    return (int)rc;
}

static long setlk(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    return fcntl(fd, cmd, &fl) < 0 ? -1 : 0;
}

static void getlk(const char *who, int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    if (fcntl(fd, cmd, &fl) < 0)
    {
        step(who, "getlk", -1);
        return;
    }
    if (fl.l_type == F_UNLCK)
    {
        printf("%-6s getlk [%ld,+%ld): no conflicting lock\n", who, (long)start, (long)len);
    }
    else
    {
        printf("%-6s getlk [%ld,+%ld): %s lock [%ld,+%ld) pid %s\n", who, (long)start, (long)len,
               fl.l_type == F_WRLCK ? "write" : "read", (long)fl.l_start, (long)fl.l_len,
               fl.l_pid == -1 ? "-1" : fl.l_pid == getppid() ? "is the parent" : fl.l_pid == getpid() ? "is mine" : "other");
    }
    fflush(stdout);
}

static int open_db(int flags)
{
    return must("open", open(FILE_NAME, flags | O_CREAT, 0644));
}

static void wait_child(pid_t child)
{
    int status = 0;
    must("waitpid", waitpid(child, &status, 0));
    step("parent", "child exit status", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void posix_mode(void)
{
    int fd = open_db(O_RDWR);
    step("parent", "write lock [0,+10)", setlk(fd, F_SETLK, F_WRLCK, 0, 10));
    step("parent", "read lock [20,+5)", setlk(fd, F_SETLK, F_RDLCK, 20, 5));
    pid_t child = fork();
    if (child == 0)
    {
        int cfd = open_db(O_RDWR);
        step("child", "write lock [5,+1) (held by parent)", setlk(cfd, F_SETLK, F_WRLCK, 5, 1));
        getlk("child", cfd, F_GETLK, F_WRLCK, 5, 1);
        getlk("child", cfd, F_GETLK, F_WRLCK, 0, 0);
        step("child", "read lock [22,+1) (parent reads too)", setlk(cfd, F_SETLK, F_RDLCK, 22, 1));
        step("child", "write lock [22,+1)", setlk(cfd, F_SETLK, F_WRLCK, 22, 1));
        step("child", "write lock [10,+10)", setlk(cfd, F_SETLK, F_WRLCK, 10, 10));
        _exit(0);
    }
    wait_child(child);
    getlk("parent", fd, F_GETLK, F_WRLCK, 10, 10);
    step("parent", "unlock [2,+3) (splits the lock)", setlk(fd, F_SETLK, F_UNLCK, 2, 3));
    child = fork();
    if (child == 0)
    {
        int cfd = open_db(O_RDWR);
        step("child", "write lock [3,+1) (unlocked hole)", setlk(cfd, F_SETLK, F_WRLCK, 3, 1));
        getlk("child", cfd, F_GETLK, F_WRLCK, 0, 0);
        _exit(0);
    }
    wait_child(child);
    int other = open_db(O_RDONLY);
    step("parent", "close another descriptor of the file", close(other));
    child = fork();
    if (child == 0)
    {
        int cfd = open_db(O_RDWR);
        step("child", "write lock [0,+0) (all released)", setlk(cfd, F_SETLK, F_WRLCK, 0, 0));
        _exit(0);
    }
    wait_child(child);
    int wronly = open_db(O_WRONLY);
    step("parent", "read lock on O_WRONLY", setlk(wronly, F_SETLK, F_RDLCK, 0, 1));
    struct flock bad = {.l_type = F_WRLCK, .l_whence = 7};
    step("parent", "bad l_whence", fcntl(wronly, F_SETLK, &bad));
    close(wronly);
    close(fd);
}

static void wait_mode(void)
{
    int fd = open_db(O_RDWR);
    step("parent", "write lock [0,+1)", setlk(fd, F_SETLK, F_WRLCK, 0, 1));
    pid_t child = fork();
    if (child == 0)
    {
        int cfd = open_db(O_RDWR);
        long rc = setlk(cfd, F_SETLKW, F_WRLCK, 0, 1);
        step("child", "F_SETLKW got the lock", rc);
        _exit(0);
    }
    usleep(300000);
    printf("parent unlocking\n");
    fflush(stdout);
    long rc = setlk(fd, F_SETLK, F_UNLCK, 0, 1); /* printed after the child's line: the child may run first */
    wait_child(child);
    step("parent", "unlock", rc);
    close(fd);
}

static void deadlock_mode(void)
{
    int fd = open_db(O_RDWR);
    int ready[2];
    must("pipe", pipe(ready));
    step("parent", "write lock byte 0", setlk(fd, F_SETLK, F_WRLCK, 0, 1));
    pid_t child = fork();
    if (child == 0)
    {
        int cfd = open_db(O_RDWR);
        step("child", "write lock byte 1", setlk(cfd, F_SETLK, F_WRLCK, 1, 1));
        must("write", write(ready[1], "r", 1));
        usleep(300000); /* the parent is waiting for byte 1 by now */
        step("child", "F_SETLKW byte 0 (would deadlock)", setlk(cfd, F_SETLKW, F_WRLCK, 0, 1));
        _exit(0);
    }
    char c;
    must("read", read(ready[0], &c, 1));
    step("parent", "F_SETLKW byte 1 (after the child exits)", setlk(fd, F_SETLKW, F_WRLCK, 1, 1));
    wait_child(child);
    close(fd);
}

static void ofd_mode(void)
{
    int fd1 = open_db(O_RDWR);
    int fd2 = open_db(O_RDWR);
    step("parent", "OFD write lock on fd1", setlk(fd1, F_OFD_SETLK, F_WRLCK, 0, 0));
    step("parent", "OFD write lock on fd2 (other description)", setlk(fd2, F_OFD_SETLK, F_WRLCK, 0, 1));
    getlk("parent", fd2, F_OFD_GETLK, F_RDLCK, 100, 1);
    step("parent", "POSIX lock on fd2", setlk(fd2, F_SETLK, F_RDLCK, 0, 1));
    int dup1 = must("dup", dup(fd1));
    step("parent", "OFD lock again through a dup of fd1", setlk(dup1, F_OFD_SETLK, F_RDLCK, 0, 0));
    step("parent", "close fd2", close(fd2));
    step("parent", "close fd1 (dup still open)", close(fd1));
    int fd3 = open_db(O_RDWR);
    step("parent", "OFD write lock on fd3", setlk(fd3, F_OFD_SETLK, F_WRLCK, 0, 1));
    struct flock withpid = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_pid = 1};
    step("parent", "OFD lock with l_pid set", fcntl(fd3, F_OFD_SETLK, &withpid));
    step("parent", "close the dup (last of fd1)", close(dup1));
    step("parent", "OFD write lock on fd3", setlk(fd3, F_OFD_SETLK, F_WRLCK, 0, 1));
    close(fd3);
}

static void flock_mode(void)
{
    int fd1 = open_db(O_RDWR);
    int fd2 = open_db(O_RDWR);
    step("parent", "flock fd1 LOCK_EX", flock(fd1, LOCK_EX));
    step("parent", "flock fd2 LOCK_EX|LOCK_NB", flock(fd2, LOCK_EX | LOCK_NB));
    step("parent", "flock fd2 LOCK_SH|LOCK_NB", flock(fd2, LOCK_SH | LOCK_NB));
    step("parent", "fcntl write lock on fd2 (independent)", setlk(fd2, F_SETLK, F_WRLCK, 0, 0));
    step("parent", "flock bad operation", flock(fd1, 0));
    pid_t child = fork();
    if (child == 0)
    {
        step("child", "flock inherited fd1 LOCK_SH|LOCK_NB", flock(fd1, LOCK_SH | LOCK_NB));
        int cfd = open_db(O_RDWR);
        step("child", "flock own description LOCK_SH|LOCK_NB", flock(cfd, LOCK_SH | LOCK_NB));
        _exit(0);
    }
    wait_child(child);
    step("parent", "flock fd2 LOCK_SH|LOCK_NB (fd1 now shared)", flock(fd2, LOCK_SH | LOCK_NB));
    step("parent", "close fd1", close(fd1));
    step("parent", "flock fd2 LOCK_EX|LOCK_NB", flock(fd2, LOCK_EX | LOCK_NB));
    step("parent", "flock fd2 LOCK_UN", flock(fd2, LOCK_UN));
    close(fd2);
}

static void hold_mode(int seconds)
{
    int fd = open_db(O_RDWR);
    step("hold", "write lock [0,+0)", setlk(fd, F_SETLK, F_WRLCK, 0, 0));
    close(must("ready", open("locks-ready", O_CREAT | O_WRONLY, 0644)));
    sleep(seconds);
    step("hold", "exiting with the lock held", 0);
}

static int probe_mode(void)
{
    for (int i = 0; access("locks-ready", F_OK) != 0; i++)
    {
        if (i == 3000)
        {
            printf("probe: no holder after 30 s\n");
            return 1;
        }
        usleep(10000);
    }
    int fd = open_db(O_RDWR);
    step("probe", "write lock [7,+1) (held by the other)", setlk(fd, F_SETLK, F_WRLCK, 7, 1));
    getlk("probe", fd, F_GETLK, F_RDLCK, 0, 0);
    step("probe", "F_SETLKW [7,+1) (granted when it exits)", setlk(fd, F_SETLKW, F_WRLCK, 7, 1));
    close(fd);
    unlink("locks-ready");
    unlink(FILE_NAME);
    step("probe", "rmdir scratch", rmdir(DIR_NAME));
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "posix";
    if (strcmp(mode, "hold") == 0 || strcmp(mode, "probe") == 0)
    {
        mkdir(DIR_NAME, 0755);
        if (mode[0] == 'h')
        {
            hold_mode(argc > 2 ? atoi(argv[2]) : 1);
            return 0;
        }
        return probe_mode();
    }
    unlink(FILE_NAME);
    rmdir(DIR_NAME);
    must("mkdir", mkdir(DIR_NAME, 0755));
    if (strcmp(mode, "posix") == 0)
    {
        posix_mode();
    }
    else if (strcmp(mode, "wait") == 0)
    {
        wait_mode();
    }
    else if (strcmp(mode, "deadlock") == 0)
    {
        deadlock_mode();
    }
    else if (strcmp(mode, "ofd") == 0)
    {
        ofd_mode();
    }
    else if (strcmp(mode, "flock") == 0)
    {
        flock_mode();
    }
    else
    {
        printf("unknown mode %s\n", mode);
        return 2;
    }
    unlink(FILE_NAME);
    step("parent", "rmdir scratch", rmdir(DIR_NAME));
    return 0;
}
