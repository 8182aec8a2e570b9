package org.legoemu.fabric;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every message of {@code sbe/lego-messages.xml} round-trips through its generated encoder and decoder with arbitrary
 * values: fixed fields over their whole range, enums over their valid values, var data of arbitrary bytes, var
 * strings of arbitrary (non-surrogate) characters, and repeating groups of arbitrary size. Driven by the schema, so
 * messages added later are covered without editing this test. Decoding reads from a buffer of exactly the encoded
 * length, so with bounds checks on any over-read fails.
 */
class SchemaRoundTripTest
{
    private static final String PACKAGE = MessageHeaderDecoder.class.getPackageName() + ".";
    private static final List<MessageDef> MESSAGES = new ArrayList<>();
    private static final Map<String, List<String>> ENUMS = new HashMap<>();

    static
    {
        loadSchema();
    }

    @Example
    void schemaHasAMessagePerGeneratedEncoder() throws Exception
    {
        assertTrue(MESSAGES.size() >= 38, "messages parsed: " + MESSAGES.size());
        for (final MessageDef def : MESSAGES)
        {
            assertEquals(def.id, Class.forName(PACKAGE + def.name + "Encoder").getField("TEMPLATE_ID").getInt(null));
        }
    }

    @Property(tries = 3000)
    void everyMessageRoundTrips(@ForAll("samples") final Sample sample) throws Exception
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        final Class<?> encoderClass = Class.forName(PACKAGE + sample.def.name + "Encoder");
        final Object encoder = encoderClass.getConstructor().newInstance();
        encoderClass.getMethod("wrapAndApplyHeader", org.agrona.MutableDirectBuffer.class, int.class,
            MessageHeaderEncoder.class).invoke(encoder, buffer, 0, new MessageHeaderEncoder());
        encode(encoder, sample.def.members, sample.values);
        final int length = (int)encoderClass.getMethod("limit").invoke(encoder);

        final byte[] exact = new byte[length];
        buffer.getBytes(0, exact);
        final UnsafeBuffer in = new UnsafeBuffer(exact);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(in, 0);
        assertEquals(sample.def.id, header.templateId());
        assertEquals(MessageHeaderDecoder.SCHEMA_ID, header.schemaId());

        final Class<?> decoderClass = Class.forName(PACKAGE + sample.def.name + "Decoder");
        final Object decoder = decoderClass.getConstructor().newInstance();
        decoderClass.getMethod("wrapAndApplyHeader", org.agrona.DirectBuffer.class, int.class,
            MessageHeaderDecoder.class).invoke(decoder, in, 0, header);
        decodeAndCompare(decoder, sample.def.members, sample.values, sample.def.name);
        assertEquals(length, (int)decoderClass.getMethod("limit").invoke(decoder), sample.def.name + " length");
    }

    @Provide
    Arbitrary<Sample> samples()
    {
        return Arbitraries.of(MESSAGES).flatMap(def -> valuesOf(def.members).map(values -> new Sample(def, values)));
    }

    private static Arbitrary<List<Object>> valuesOf(final List<Member> members)
    {
        final List<Arbitrary<Object>> arbitraries = new ArrayList<>();
        for (final Member member : members)
        {
            arbitraries.add(valueOf(member));
        }
        if (arbitraries.isEmpty())
        {
            return Arbitraries.just(List.of());
        }
        return Combinators.combine(arbitraries).as(List::copyOf);
    }

    private static Arbitrary<Object> valueOf(final Member member)
    {
        switch (member.kind)
        {
            case GROUP:
                return valuesOf(member.members).list().ofMaxSize(6).map(list -> (Object)list);
            case DATA:
                if ("varStringEncoding".equals(member.type))
                {
                    return Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(300)
                        .map(s -> (Object)s);
                }
                return Arbitraries.bytes().array(byte[].class).ofMaxSize(5000).map(b -> (Object)b);
            default:
                switch (member.type)
                {
                    case "int32":
                        return Arbitraries.integers().map(v -> (Object)v);
                    case "int64":
                        return Arbitraries.longs().map(v -> (Object)v);
                    case "uint8":
                        return Arbitraries.shorts().between((short)0, (short)255).map(v -> (Object)v);
                    case "uint16":
                        return Arbitraries.integers().between(0, 65535).map(v -> (Object)v);
                    default:
                        final List<String> valid = ENUMS.get(member.type);
                        if (valid == null)
                        {
                            throw new IllegalStateException("type " + member.type + " not handled by this test");
                        }
                        return Arbitraries.of(valid).map(v -> (Object)v);
                }
        }
    }

    private static void encode(final Object encoder, final List<Member> members, final List<Object> values)
        throws Exception
    {
        for (int i = 0; i < members.size(); i++)
        {
            final Member member = members.get(i);
            final Object value = values.get(i);
            final Class<?> type = encoder.getClass();
            switch (member.kind)
            {
                case FIELD:
                {
                    final Method setter = instanceMethod(type, member.name, 1);
                    final Class<?> paramType = setter.getParameterTypes()[0];
                    setter.invoke(encoder, paramType.isEnum() ? enumValue(paramType, (String)value) : value);
                    break;
                }
                case GROUP:
                {
                    @SuppressWarnings("unchecked") final List<List<Object>> entries = (List<List<Object>>)value;
                    final Object groupEncoder = type.getMethod(member.name + "Count", int.class)
                        .invoke(encoder, entries.size());
                    for (final List<Object> entry : entries)
                    {
                        groupEncoder.getClass().getMethod("next").invoke(groupEncoder);
                        encode(groupEncoder, member.members, entry);
                    }
                    break;
                }
                default:
                    if (value instanceof String)
                    {
                        type.getMethod(member.name, String.class).invoke(encoder, value);
                    }
                    else
                    {
                        final byte[] bytes = (byte[])value;
                        type.getMethod("put" + capitalized(member.name), byte[].class, int.class, int.class)
                            .invoke(encoder, bytes, 0, bytes.length);
                    }
            }
        }
    }

    private static void decodeAndCompare(
        final Object decoder, final List<Member> members, final List<Object> values, final String where)
        throws Exception
    {
        for (int i = 0; i < members.size(); i++)
        {
            final Member member = members.get(i);
            final Object expected = values.get(i);
            final Class<?> type = decoder.getClass();
            final String path = where + "." + member.name;
            switch (member.kind)
            {
                case FIELD:
                {
                    final Object actual = instanceMethod(type, member.name, 0).invoke(decoder);
                    if (actual instanceof Enum)
                    {
                        assertEquals(expected, ((Enum<?>)actual).name(), path);
                    }
                    else
                    {
                        assertEquals(expected, actual, path);
                    }
                    break;
                }
                case GROUP:
                {
                    @SuppressWarnings("unchecked") final List<List<Object>> entries = (List<List<Object>>)expected;
                    final Object groupDecoder = type.getMethod(member.name).invoke(decoder);
                    assertEquals(entries.size(), (int)groupDecoder.getClass().getMethod("count").invoke(groupDecoder),
                        path + " count");
                    for (final List<Object> entry : entries)
                    {
                        groupDecoder.getClass().getMethod("next").invoke(groupDecoder);
                        decodeAndCompare(groupDecoder, member.members, entry, path);
                    }
                    break;
                }
                default:
                    if (expected instanceof String)
                    {
                        assertEquals(expected, type.getMethod(member.name).invoke(decoder), path);
                    }
                    else
                    {
                        final int length = (int)type.getMethod(member.name + "Length").invoke(decoder);
                        final byte[] actual = new byte[length];
                        type.getMethod("get" + capitalized(member.name), byte[].class, int.class, int.class)
                            .invoke(decoder, actual, 0, length);
                        assertArrayEquals((byte[])expected, actual, path);
                    }
            }
        }
    }

    private static Method instanceMethod(final Class<?> type, final String name, final int parameterCount)
    {
        for (final Method method : type.getMethods())
        {
            if (method.getName().equals(name) && method.getParameterCount() == parameterCount &&
                !java.lang.reflect.Modifier.isStatic(method.getModifiers()))
            {
                return method;
            }
        }
        throw new IllegalStateException(type.getSimpleName() + " has no method " + name + "/" + parameterCount);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Object enumValue(final Class<?> enumType, final String name)
    {
        return Enum.valueOf((Class<? extends Enum>)enumType, name);
    }

    private static String capitalized(final String name)
    {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static void loadSchema()
    {
        try (InputStream in = SchemaRoundTripTest.class.getResourceAsStream("/sbe/lego-messages.xml"))
        {
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            final org.w3c.dom.Document document = factory.newDocumentBuilder().parse(in);
            final NodeList enums = document.getElementsByTagName("enum");
            for (int i = 0; i < enums.getLength(); i++)
            {
                final Element element = (Element)enums.item(i);
                final List<String> valid = new ArrayList<>();
                final NodeList values = element.getElementsByTagName("validValue");
                for (int j = 0; j < values.getLength(); j++)
                {
                    valid.add(((Element)values.item(j)).getAttribute("name"));
                }
                ENUMS.put(element.getAttribute("name"), valid);
            }
            final NodeList messages = document.getElementsByTagNameNS("*", "message");
            for (int i = 0; i < messages.getLength(); i++)
            {
                final Element element = (Element)messages.item(i);
                MESSAGES.add(new MessageDef(element.getAttribute("name"), Integer.parseInt(element.getAttribute("id")),
                    members(element)));
            }
        }
        catch (final Exception ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private static List<Member> members(final Element parent)
    {
        final List<Member> members = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (!(node instanceof Element))
            {
                continue;
            }
            final Element element = (Element)node;
            final String name = element.getAttribute("name");
            switch (element.getLocalName())
            {
                case "field":
                    members.add(new Member(Kind.FIELD, name, element.getAttribute("type"), List.of()));
                    break;
                case "group":
                    members.add(new Member(Kind.GROUP, name, "", members(element)));
                    break;
                case "data":
                    members.add(new Member(Kind.DATA, name, element.getAttribute("type"), List.of()));
                    break;
                default:
                    break;
            }
        }
        return members;
    }

    enum Kind
    {
        FIELD, GROUP, DATA
    }

    record Member(Kind kind, String name, String type, List<Member> members)
    {
    }

    record MessageDef(String name, int id, List<Member> members)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    record Sample(MessageDef def, List<Object> values)
    {
        @Override
        public String toString()
        {
            final StringBuilder text = new StringBuilder(def.name).append(' ');
            for (final Object value : values)
            {
                text.append(value instanceof byte[] ? ((byte[])value).length + " bytes" :
                    value instanceof String ? ((String)value).length() + " chars" : String.valueOf(value)).append(' ');
            }
            return text.toString();
        }
    }
}
