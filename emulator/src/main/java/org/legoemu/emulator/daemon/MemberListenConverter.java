package org.legoemu.emulator.daemon;

import org.legoemu.fabric.Endpoint;
import picocli.CommandLine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * picocli converter for a member daemon's {@code --listen HOST:PORT}: as {@link EndpointConverter}, but refuses a
 * wildcard host ({@code 0.0.0.0}, {@code ::}). A member registers its {@code --listen} address with the GMM
 * (X2G_REGISTER) and every other member connects to that address, so it must be one they can reach; a wildcard
 * would be registered as is and, on another host, reach that host itself. The GMM, which registers nothing, may
 * listen on a wildcard.
 */
public final class MemberListenConverter implements CommandLine.ITypeConverter<Endpoint>
{
    /** An IPv4 literal; IPv6 literals are recognised by their ':' (host names never contain one). */
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    @Override
    public Endpoint convert(final String value)
    {
        final Endpoint endpoint = new EndpointConverter().convert(value);
        if (isWildcard(endpoint.host()))
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is a wildcard address; a member " +
                "registers its --listen address with the GMM for the others to connect to, so give one they can " +
                "reach (e.g. 10.0.0.5:7100)");
        }
        return endpoint;
    }

    /** Whether {@code host} is a literal wildcard address; host names are not resolved. */
    static boolean isWildcard(final String host)
    {
        if (!IPV4_LITERAL.matcher(host).matches() && host.indexOf(':') < 0)
        {
            return false;
        }
        try
        {
            return InetAddress.getByName(host).isAnyLocalAddress();
        }
        catch (final UnknownHostException ex)
        {
            return false;
        }
    }
}
