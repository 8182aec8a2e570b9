package org.legoemu.fabric;

/**
 * Where a monitor serves requests: {@code host:port} for TCP, or {@code inproc:N} for the in-JVM transport.
 *
 * @param host host name or literal address (IPv6 literals in brackets when formatted).
 * @param port TCP port, 0 meaning "any free port" when serving.
 */
public record Endpoint(String host, int port)
{
    /**
     * Parses {@code host:port} (IPv6 as {@code [::1]:port}).
     *
     * @throws IllegalArgumentException with a one-line reason if malformed.
     */
    public static Endpoint parse(final String text)
    {
        final int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1)
        {
            throw new IllegalArgumentException("address '" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        final int port;
        try
        {
            port = Integer.parseInt(text.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("address '" + text + "' has a non-numeric port");
        }
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("address '" + text + "' has port outside 0..65535");
        }
        return new Endpoint(host, port);
    }

    @Override
    public String toString()
    {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
