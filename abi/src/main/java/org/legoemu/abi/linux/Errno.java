package org.legoemu.abi.linux;

/**
 * Linux error numbers (include/uapi/asm-generic/errno-base.h and errno.h, which riscv64 uses). A system call
 * returns {@code -errno} in a0 on failure.
 */
public final class Errno
{
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Input/output error. */
    public static final int EIO = 5;
    /** No such device or address. */
    public static final int ENXIO = 6;
    /** Argument list too long. */
    public static final int E2BIG = 7;
    /** Exec format error. */
    public static final int ENOEXEC = 8;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** No child processes. */
    public static final int ECHILD = 10;
    /** Resource temporarily unavailable. */
    public static final int EAGAIN = 11;
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Block device required. */
    public static final int ENOTBLK = 15;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Invalid cross-device link. */
    public static final int EXDEV = 18;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Is a directory. */
    public static final int EISDIR = 21;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in system. */
    public static final int ENFILE = 23;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** Inappropriate ioctl for device. */
    public static final int ENOTTY = 25;
    /** Text file busy. */
    public static final int ETXTBSY = 26;
    /** File too large. */
    public static final int EFBIG = 27;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Illegal seek. */
    public static final int ESPIPE = 29;
    /** Read-only file system. */
    public static final int EROFS = 30;
    /** Too many links. */
    public static final int EMLINK = 31;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Numerical argument out of domain. */
    public static final int EDOM = 33;
    /** Numerical result out of range. */
    public static final int ERANGE = 34;
    /** Resource deadlock avoided. */
    public static final int EDEADLK = 35;
    /** File name too long. */
    public static final int ENAMETOOLONG = 36;
    /** No locks available. */
    public static final int ENOLCK = 37;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Directory not empty. */
    public static final int ENOTEMPTY = 39;
    /** Too many levels of symbolic links. */
    public static final int ELOOP = 40;
    /** No message of desired type. */
    public static final int ENOMSG = 42;
    /** Identifier removed. */
    public static final int EIDRM = 43;
    /** Device not a stream. */
    public static final int ENOSTR = 60;
    /** No data available. */
    public static final int ENODATA = 61;
    /** Timer expired. */
    public static final int ETIME = 62;
    /** Link has been severed. */
    public static final int ENOLINK = 67;
    /** Protocol error. */
    public static final int EPROTO = 71;
    /** Multihop attempted. */
    public static final int EMULTIHOP = 72;
    /** Bad message. */
    public static final int EBADMSG = 74;
    /** Value too large for defined data type. */
    public static final int EOVERFLOW = 75;
    /** Invalid or incomplete multibyte or wide character. */
    public static final int EILSEQ = 84;
    /** Too many users. */
    public static final int EUSERS = 87;
    /** Socket operation on non-socket. */
    public static final int ENOTSOCK = 88;
    /** Destination address required. */
    public static final int EDESTADDRREQ = 89;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Protocol wrong type for socket. */
    public static final int EPROTOTYPE = 91;
    /** Protocol not available. */
    public static final int ENOPROTOOPT = 92;
    /** Protocol not supported. */
    public static final int EPROTONOSUPPORT = 93;
    /** Socket type not supported. */
    public static final int ESOCKTNOSUPPORT = 94;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Protocol family not supported. */
    public static final int EPFNOSUPPORT = 96;
    /** Address family not supported by protocol. */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** Network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** Network dropped connection on reset. */
    public static final int ENETRESET = 102;
    /** Software caused connection abort. */
    public static final int ECONNABORTED = 103;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;
    /** Transport endpoint is already connected. */
    public static final int EISCONN = 106;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Cannot send after transport endpoint shutdown. */
    public static final int ESHUTDOWN = 108;
    /** Connection timed out. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused. */
    public static final int ECONNREFUSED = 111;
    /** Host is down. */
    public static final int EHOSTDOWN = 112;
    /** No route to host. */
    public static final int EHOSTUNREACH = 113;
    /** Operation already in progress. */
    public static final int EALREADY = 114;
    /** Operation now in progress. */
    public static final int EINPROGRESS = 115;
    /** Stale file handle. */
    public static final int ESTALE = 116;
    /** Remote I/O error. */
    public static final int EREMOTEIO = 121;
    /** Disk quota exceeded. */
    public static final int EDQUOT = 122;
    /** Operation canceled. */
    public static final int ECANCELED = 125;
    /** Owner died. */
    public static final int EOWNERDEAD = 130;
    /** State not recoverable. */
    public static final int ENOTRECOVERABLE = 131;
    /** Same as {@link #EAGAIN}. */
    public static final int EWOULDBLOCK = EAGAIN;
    /** Same as {@link #EOPNOTSUPP}. */
    public static final int ENOTSUP = EOPNOTSUPP;

    private static final String[] NAMES = new String[132];
    private static final String[] MESSAGES = new String[132];

    static
    {
        NAMES[EPERM] = "EPERM";
        MESSAGES[EPERM] = "Operation not permitted";
        NAMES[ENOENT] = "ENOENT";
        MESSAGES[ENOENT] = "No such file or directory";
        NAMES[ESRCH] = "ESRCH";
        MESSAGES[ESRCH] = "No such process";
        NAMES[EINTR] = "EINTR";
        MESSAGES[EINTR] = "Interrupted system call";
        NAMES[EIO] = "EIO";
        MESSAGES[EIO] = "Input/output error";
        NAMES[ENXIO] = "ENXIO";
        MESSAGES[ENXIO] = "No such device or address";
        NAMES[E2BIG] = "E2BIG";
        MESSAGES[E2BIG] = "Argument list too long";
        NAMES[ENOEXEC] = "ENOEXEC";
        MESSAGES[ENOEXEC] = "Exec format error";
        NAMES[EBADF] = "EBADF";
        MESSAGES[EBADF] = "Bad file descriptor";
        NAMES[ECHILD] = "ECHILD";
        MESSAGES[ECHILD] = "No child processes";
        NAMES[EAGAIN] = "EAGAIN";
        MESSAGES[EAGAIN] = "Resource temporarily unavailable";
        NAMES[ENOMEM] = "ENOMEM";
        MESSAGES[ENOMEM] = "Cannot allocate memory";
        NAMES[EACCES] = "EACCES";
        MESSAGES[EACCES] = "Permission denied";
        NAMES[EFAULT] = "EFAULT";
        MESSAGES[EFAULT] = "Bad address";
        NAMES[ENOTBLK] = "ENOTBLK";
        MESSAGES[ENOTBLK] = "Block device required";
        NAMES[EBUSY] = "EBUSY";
        MESSAGES[EBUSY] = "Device or resource busy";
        NAMES[EEXIST] = "EEXIST";
        MESSAGES[EEXIST] = "File exists";
        NAMES[EXDEV] = "EXDEV";
        MESSAGES[EXDEV] = "Invalid cross-device link";
        NAMES[ENODEV] = "ENODEV";
        MESSAGES[ENODEV] = "No such device";
        NAMES[ENOTDIR] = "ENOTDIR";
        MESSAGES[ENOTDIR] = "Not a directory";
        NAMES[EISDIR] = "EISDIR";
        MESSAGES[EISDIR] = "Is a directory";
        NAMES[EINVAL] = "EINVAL";
        MESSAGES[EINVAL] = "Invalid argument";
        NAMES[ENFILE] = "ENFILE";
        MESSAGES[ENFILE] = "Too many open files in system";
        NAMES[EMFILE] = "EMFILE";
        MESSAGES[EMFILE] = "Too many open files";
        NAMES[ENOTTY] = "ENOTTY";
        MESSAGES[ENOTTY] = "Inappropriate ioctl for device";
        NAMES[ETXTBSY] = "ETXTBSY";
        MESSAGES[ETXTBSY] = "Text file busy";
        NAMES[EFBIG] = "EFBIG";
        MESSAGES[EFBIG] = "File too large";
        NAMES[ENOSPC] = "ENOSPC";
        MESSAGES[ENOSPC] = "No space left on device";
        NAMES[ESPIPE] = "ESPIPE";
        MESSAGES[ESPIPE] = "Illegal seek";
        NAMES[EROFS] = "EROFS";
        MESSAGES[EROFS] = "Read-only file system";
        NAMES[EMLINK] = "EMLINK";
        MESSAGES[EMLINK] = "Too many links";
        NAMES[EPIPE] = "EPIPE";
        MESSAGES[EPIPE] = "Broken pipe";
        NAMES[EDOM] = "EDOM";
        MESSAGES[EDOM] = "Numerical argument out of domain";
        NAMES[ERANGE] = "ERANGE";
        MESSAGES[ERANGE] = "Numerical result out of range";
        NAMES[EDEADLK] = "EDEADLK";
        MESSAGES[EDEADLK] = "Resource deadlock avoided";
        NAMES[ENAMETOOLONG] = "ENAMETOOLONG";
        MESSAGES[ENAMETOOLONG] = "File name too long";
        NAMES[ENOLCK] = "ENOLCK";
        MESSAGES[ENOLCK] = "No locks available";
        NAMES[ENOSYS] = "ENOSYS";
        MESSAGES[ENOSYS] = "Function not implemented";
        NAMES[ENOTEMPTY] = "ENOTEMPTY";
        MESSAGES[ENOTEMPTY] = "Directory not empty";
        NAMES[ELOOP] = "ELOOP";
        MESSAGES[ELOOP] = "Too many levels of symbolic links";
        NAMES[ENOMSG] = "ENOMSG";
        MESSAGES[ENOMSG] = "No message of desired type";
        NAMES[EIDRM] = "EIDRM";
        MESSAGES[EIDRM] = "Identifier removed";
        NAMES[ENOSTR] = "ENOSTR";
        MESSAGES[ENOSTR] = "Device not a stream";
        NAMES[ENODATA] = "ENODATA";
        MESSAGES[ENODATA] = "No data available";
        NAMES[ETIME] = "ETIME";
        MESSAGES[ETIME] = "Timer expired";
        NAMES[ENOLINK] = "ENOLINK";
        MESSAGES[ENOLINK] = "Link has been severed";
        NAMES[EPROTO] = "EPROTO";
        MESSAGES[EPROTO] = "Protocol error";
        NAMES[EMULTIHOP] = "EMULTIHOP";
        MESSAGES[EMULTIHOP] = "Multihop attempted";
        NAMES[EBADMSG] = "EBADMSG";
        MESSAGES[EBADMSG] = "Bad message";
        NAMES[EOVERFLOW] = "EOVERFLOW";
        MESSAGES[EOVERFLOW] = "Value too large for defined data type";
        NAMES[EILSEQ] = "EILSEQ";
        MESSAGES[EILSEQ] = "Invalid or incomplete multibyte or wide character";
        NAMES[EUSERS] = "EUSERS";
        MESSAGES[EUSERS] = "Too many users";
        NAMES[ENOTSOCK] = "ENOTSOCK";
        MESSAGES[ENOTSOCK] = "Socket operation on non-socket";
        NAMES[EDESTADDRREQ] = "EDESTADDRREQ";
        MESSAGES[EDESTADDRREQ] = "Destination address required";
        NAMES[EMSGSIZE] = "EMSGSIZE";
        MESSAGES[EMSGSIZE] = "Message too long";
        NAMES[EPROTOTYPE] = "EPROTOTYPE";
        MESSAGES[EPROTOTYPE] = "Protocol wrong type for socket";
        NAMES[ENOPROTOOPT] = "ENOPROTOOPT";
        MESSAGES[ENOPROTOOPT] = "Protocol not available";
        NAMES[EPROTONOSUPPORT] = "EPROTONOSUPPORT";
        MESSAGES[EPROTONOSUPPORT] = "Protocol not supported";
        NAMES[ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT";
        MESSAGES[ESOCKTNOSUPPORT] = "Socket type not supported";
        NAMES[EOPNOTSUPP] = "EOPNOTSUPP";
        MESSAGES[EOPNOTSUPP] = "Operation not supported";
        NAMES[EPFNOSUPPORT] = "EPFNOSUPPORT";
        MESSAGES[EPFNOSUPPORT] = "Protocol family not supported";
        NAMES[EAFNOSUPPORT] = "EAFNOSUPPORT";
        MESSAGES[EAFNOSUPPORT] = "Address family not supported by protocol";
        NAMES[EADDRINUSE] = "EADDRINUSE";
        MESSAGES[EADDRINUSE] = "Address already in use";
        NAMES[EADDRNOTAVAIL] = "EADDRNOTAVAIL";
        MESSAGES[EADDRNOTAVAIL] = "Cannot assign requested address";
        NAMES[ENETDOWN] = "ENETDOWN";
        MESSAGES[ENETDOWN] = "Network is down";
        NAMES[ENETUNREACH] = "ENETUNREACH";
        MESSAGES[ENETUNREACH] = "Network is unreachable";
        NAMES[ENETRESET] = "ENETRESET";
        MESSAGES[ENETRESET] = "Network dropped connection on reset";
        NAMES[ECONNABORTED] = "ECONNABORTED";
        MESSAGES[ECONNABORTED] = "Software caused connection abort";
        NAMES[ECONNRESET] = "ECONNRESET";
        MESSAGES[ECONNRESET] = "Connection reset by peer";
        NAMES[ENOBUFS] = "ENOBUFS";
        MESSAGES[ENOBUFS] = "No buffer space available";
        NAMES[EISCONN] = "EISCONN";
        MESSAGES[EISCONN] = "Transport endpoint is already connected";
        NAMES[ENOTCONN] = "ENOTCONN";
        MESSAGES[ENOTCONN] = "Transport endpoint is not connected";
        NAMES[ESHUTDOWN] = "ESHUTDOWN";
        MESSAGES[ESHUTDOWN] = "Cannot send after transport endpoint shutdown";
        NAMES[ETIMEDOUT] = "ETIMEDOUT";
        MESSAGES[ETIMEDOUT] = "Connection timed out";
        NAMES[ECONNREFUSED] = "ECONNREFUSED";
        MESSAGES[ECONNREFUSED] = "Connection refused";
        NAMES[EHOSTDOWN] = "EHOSTDOWN";
        MESSAGES[EHOSTDOWN] = "Host is down";
        NAMES[EHOSTUNREACH] = "EHOSTUNREACH";
        MESSAGES[EHOSTUNREACH] = "No route to host";
        NAMES[EALREADY] = "EALREADY";
        MESSAGES[EALREADY] = "Operation already in progress";
        NAMES[EINPROGRESS] = "EINPROGRESS";
        MESSAGES[EINPROGRESS] = "Operation now in progress";
        NAMES[ESTALE] = "ESTALE";
        MESSAGES[ESTALE] = "Stale file handle";
        NAMES[EREMOTEIO] = "EREMOTEIO";
        MESSAGES[EREMOTEIO] = "Remote I/O error";
        NAMES[EDQUOT] = "EDQUOT";
        MESSAGES[EDQUOT] = "Disk quota exceeded";
        NAMES[ECANCELED] = "ECANCELED";
        MESSAGES[ECANCELED] = "Operation canceled";
        NAMES[EOWNERDEAD] = "EOWNERDEAD";
        MESSAGES[EOWNERDEAD] = "Owner died";
        NAMES[ENOTRECOVERABLE] = "ENOTRECOVERABLE";
        MESSAGES[ENOTRECOVERABLE] = "State not recoverable";
    }

    private Errno()
    {
    }

    /**
     * The symbolic name of an error number.
     *
     * @param errno a positive error number (a negative syscall result is accepted and negated).
     * @return e.g. {@code "ENOENT"}, or {@code "errno_<n>"} if unknown.
     */
    public static String name(final int errno)
    {
        final int n = errno < 0 ? -errno : errno;
        if (n < NAMES.length && NAMES[n] != null)
        {
            return NAMES[n];
        }
        return "errno_" + n;
    }

    /**
     * The glibc {@code strerror} text of an error number.
     *
     * @param errno a positive error number (a negative syscall result is accepted and negated).
     * @return e.g. {@code "No such file or directory"}, or {@code "Unknown error <n>"}.
     */
    public static String message(final int errno)
    {
        final int n = errno < 0 ? -errno : errno;
        if (n < MESSAGES.length && MESSAGES[n] != null)
        {
            return MESSAGES[n];
        }
        return "Unknown error " + n;
    }
}
