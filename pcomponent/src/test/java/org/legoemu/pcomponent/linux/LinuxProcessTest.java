package org.legoemu.pcomponent.linux;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Path resolution as path_resolution(7) describes it, before a path is sent to the sComponent. */
class LinuxProcessTest
{
    @Test
    void resolvesRelativeToTheBaseAndFoldsDots()
    {
        assertEquals("/work/a.txt", LinuxProcess.resolve("/work", "a.txt"));
        assertEquals("/work/a.txt", LinuxProcess.resolve("/work", "./x/../a.txt"));
        assertEquals("/etc/passwd", LinuxProcess.resolve("/work", "/etc//passwd"));
        assertEquals("/", LinuxProcess.resolve("/", "../../.."));
        assertEquals("/b", LinuxProcess.resolve("/a", "/../../b"));
        assertEquals("/", LinuxProcess.resolve("/", "."));
        assertEquals("/etc/passwd/", LinuxProcess.resolve("/work", "/etc/passwd/"), "a trailing slash stays");
        assertEquals("/work/dir/", LinuxProcess.resolve("/work", "dir/."));
        assertEquals("/", LinuxProcess.resolve("/work", "../"));
    }
}
