package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.pcomponent.files.FileCache;
import org.legoemu.pcomponent.memory.ProcessLines;
import org.legoemu.pcomponent.memory.ProcessMemory;
import org.legoemu.pcomponent.model.ProcessClock;

import java.util.concurrent.CountDownLatch;

/**
 * The Linux state of one process that the pComponent keeps (LegoOS: "processor-side" state): pid, cwd, file
 * descriptors, program break, its threads, and the proxies to its home mComponent and the sComponent. Shared by
 * the process's threads; the fields that change (cwd, brk, exit status) are guarded by the object's monitor.
 */
public final class LinuxProcess
{
    private final int pid;
    private final ProcessMemory memory;
    private final MemoryProxy home;
    private final StorageProxy storage;
    private final FdTable fds;
    private final long memoryBytes;
    private final LinuxProcess parent;
    private final ChildProcesses children = new ChildProcesses();
    private final CountDownLatch vforkDone = new CountDownLatch(1);
    private volatile String execPath;
    private volatile ProcessLauncher launcher;
    private volatile FileCache fileCache = FileCache.DISABLED;
    private volatile SillyRenames sillyRenames = SillyRenames.standalone();
    private volatile FileLocks fileLocks = FileLocks.standalone();
    private String cwd = "/";
    private long brk;
    private int exitStatus;
    private final GuestThreads threads;
    private volatile ProcessClock clock;

    /**
     * @param memoryBytes total emulated memory of the cluster, reported by sysinfo(2).
     */
    public LinuxProcess(
        final int pid, final ProcessMemory memory, final MemoryProxy home, final StorageProxy storage,
        final Console console, final String execPath, final long brk, final long memoryBytes)
    {
        this.pid = pid;
        this.memory = memory;
        this.home = home;
        this.storage = storage;
        this.fds = new FdTable(console);
        this.execPath = execPath;
        this.brk = brk;
        this.memoryBytes = memoryBytes;
        this.parent = null;
        this.clock = ProcessClock.standalone();
        this.threads = new GuestThreads(this);
        this.fds.closeListener(file -> this.fileLocks.closedBy(this.pid, file));
    }

    /**
     * fork(2): the child of {@code parent}, whose address space the home has copied. It gets a copy of the parent's
     * file descriptor table (sharing the open file descriptions), its cwd, program break, executable path and
     * launcher, and no thread yet.
     */
    public LinuxProcess(
        final LinuxProcess parent, final int pid, final ProcessMemory memory, final MemoryProxy home,
        final StorageProxy storage)
    {
        this.pid = pid;
        this.memory = memory;
        this.home = home;
        this.storage = storage;
        this.fds = new FdTable(parent.fds);
        this.execPath = parent.execPath;
        this.brk = parent.brk();
        this.cwd = parent.cwd();
        this.memoryBytes = parent.memoryBytes;
        this.parent = parent;
        this.launcher = parent.launcher;
        this.fileCache = parent.fileCache;
        this.sillyRenames = parent.sillyRenames;
        this.fileLocks = parent.fileLocks;
        final ProcessClock parentClock = parent.clock();
        this.clock = new ProcessClock(parentClock.processor(), parentClock.guestClock(), parentClock.realtimeBaseNs(),
            parentClock.originNs());
        this.threads = new GuestThreads(this);
        this.fds.closeListener(file -> this.fileLocks.closedBy(this.pid, file));
    }

    /** getppid(2): the parent's pid; 1 for a process the pComponent launched (its parent is outside the cluster). */
    public int ppid()
    {
        return parent == null ? 1 : parent.pid;
    }

    /** The parent's view of this process's end, or null for a launched process. */
    public ChildProcesses parentsChildren()
    {
        return parent == null ? null : parent.children;
    }

    /** The children this process forked and has not reaped. */
    public ChildProcesses children()
    {
        return children;
    }

    /** Who runs forked children on this pComponent; null: fork fails ENOSYS. */
    /** The pComponent's file cache in front of the sComponent ({@link FileCache#DISABLED} unless set). */
    public FileCache fileCache()
    {
        return fileCache;
    }

    /** Sets the file cache the process's file reads and file mappings use. */
    public void fileCache(final FileCache cache)
    {
        this.fileCache = cache;
    }

    /** The pComponent's registry of open files kept alive across unlink (a process of its own until set). */
    public SillyRenames sillyRenames()
    {
        return sillyRenames;
    }

    /** The pComponent's file locks (a set of its own until set). */
    public FileLocks fileLocks()
    {
        return fileLocks;
    }

    /** Sets the file locks shared by every process of the pComponent; call before the process runs. */
    public void fileLocks(final FileLocks locks)
    {
        this.fileLocks = locks;
    }

    /** Sets the registry shared by every process of the pComponent; call before the process opens files. */
    public void sillyRenames(final SillyRenames names)
    {
        this.sillyRenames = names;
    }

    public ProcessLauncher launcher()
    {
        return launcher;
    }

    public void launcher(final ProcessLauncher launcher)
    {
        this.launcher = launcher;
    }

    /**
     * vfork(2): the parent waits here until this child has called execve(2) or ended.
     *
     * @throws InterruptedException if the waiting parent is interrupted (its process is ending).
     */
    void awaitVforkDone() throws InterruptedException
    {
        vforkDone.await();
    }

    /** This process has execve'd or ended: a vfork parent goes on. */
    public void vforkDone()
    {
        vforkDone.countDown();
    }

    /** The process's modeled time (docs/modeled-time.md). */
    public ProcessClock clock()
    {
        return clock;
    }

    /** Charges the process's harts through {@code clock}; set before its first thread is created. */
    public void clock(final ProcessClock clock)
    {
        this.clock = clock;
    }

    /** The process's threads. */
    public GuestThreads threads()
    {
        return threads;
    }

    public int pid()
    {
        return pid;
    }

    public GuestMemory memory()
    {
        return memory;
    }

    /** The process's ExCache lines (what its VM system calls, fork and exit change). */
    public ProcessLines lines()
    {
        return memory.lines();
    }

    public MemoryProxy home()
    {
        return home;
    }

    public StorageProxy storage()
    {
        return storage;
    }

    public FdTable fds()
    {
        return fds;
    }

    /** The executable's namespace path (what /proc/self/exe names). */
    public String execPath()
    {
        return execPath;
    }

    /** execve(2) replaced the image with the executable at {@code path}. */
    void execPath(final String path)
    {
        this.execPath = path;
    }

    public synchronized String cwd()
    {
        return cwd;
    }

    /** Sets the working directory, an absolute normalised path; a trailing slash is dropped ("/" stays). */
    public synchronized void cwd(final String cwd)
    {
        this.cwd = cwd.length() > 1 && cwd.endsWith("/") ? cwd.substring(0, cwd.length() - 1) : cwd;
    }

    public synchronized long brk()
    {
        return brk;
    }

    public synchronized void brk(final long brk)
    {
        this.brk = brk;
    }

    public long memoryBytes()
    {
        return memoryBytes;
    }

    /** The status passed to exit/exit_group (low 8 bits). */
    public synchronized int exitStatus()
    {
        return exitStatus;
    }

    public synchronized void exitStatus(final int exitStatus)
    {
        this.exitStatus = exitStatus;
    }

    /**
     * Resolves a guest path against the cwd (or against {@code base} for the *at calls) into a normalised
     * absolute namespace path: "." and ".." are folded, ".." at "/" stays at "/" (path_resolution(7)). A trailing
     * slash (or a trailing "/.") is kept, so the sComponent still requires a directory there: open("/etc/passwd/")
     * is ENOTDIR, as on Linux.
     */
    public static String resolve(final String base, final String path)
    {
        final String joined = path.startsWith("/") ? path : base + "/" + path;
        final java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (final String part : joined.split("/"))
        {
            if (part.isEmpty() || part.equals("."))
            {
                continue;
            }
            if (part.equals(".."))
            {
                parts.pollLast();
            }
            else
            {
                parts.addLast(part);
            }
        }
        final String normalised = "/" + String.join("/", parts);
        final boolean directoryOnly = joined.endsWith("/") || joined.endsWith("/.");
        return directoryOnly && !parts.isEmpty() ? normalised + "/" : normalised;
    }
}
