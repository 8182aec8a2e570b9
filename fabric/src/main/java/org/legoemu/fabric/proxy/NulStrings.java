package org.legoemu.fabric.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoding of string lists (argv, envp) in messages: UTF-8 strings, each followed by a NUL byte, back to back,
 * as execve(2) lays them out on the stack.
 */
public final class NulStrings
{
    private NulStrings()
    {
    }

    /** The strings, each NUL-terminated, back to back. */
    public static byte[] join(final List<String> strings)
    {
        int length = 0;
        final byte[][] encoded = new byte[strings.size()][];
        for (int i = 0; i < encoded.length; i++)
        {
            encoded[i] = strings.get(i).getBytes(StandardCharsets.UTF_8);
            length += encoded[i].length + 1;
        }
        final byte[] bytes = new byte[length];
        int at = 0;
        for (final byte[] s : encoded)
        {
            System.arraycopy(s, 0, bytes, at, s.length);
            at += s.length + 1;
        }
        return bytes;
    }

    /** The strings of {@link #join}'s encoding; a last string without its NUL is kept. */
    public static List<String> split(final byte[] nulTerminated)
    {
        final List<String> strings = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < nulTerminated.length; i++)
        {
            if (nulTerminated[i] == 0)
            {
                strings.add(new String(nulTerminated, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < nulTerminated.length)
        {
            strings.add(new String(nulTerminated, start, nulTerminated.length - start, StandardCharsets.UTF_8));
        }
        return strings;
    }
}
