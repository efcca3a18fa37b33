using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Tollgate.Testing.Bedrock;

/// <summary>
/// Builds <c>application/vnd.amazon.eventstream</c> messages as AWS documents them
/// (https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html): prelude (total length, headers length, CRC-32 of
/// those 8 bytes), headers, payload, CRC-32 of everything before it. Header values: <see cref="bool"/> (types 0/1),
/// <see cref="sbyte"/> (2), <see cref="short"/> (3), <see cref="int"/> (4), <see cref="long"/> (5), <see cref="byte"/>[] (6),
/// <see cref="string"/> (7), <see cref="DateTimeOffset"/> (8, milliseconds) and <see cref="Guid"/> (9).
/// </summary>
public static class EventStreamEncoder
{
    /// <summary>Encodes one message.</summary>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, object>> headers, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var headerBytes = new List<byte>();
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            headerBytes.Add((byte)nameBytes.Length);
            headerBytes.AddRange(nameBytes);
            switch (value)
            {
                case bool b:
                    headerBytes.Add(b ? (byte)0 : (byte)1);
                    break;
                case sbyte s:
                    headerBytes.Add(2);
                    headerBytes.Add((byte)s);
                    break;
                case short s:
                    headerBytes.Add(3);
                    headerBytes.AddRange(BigEndian(s, 2));
                    break;
                case int i:
                    headerBytes.Add(4);
                    headerBytes.AddRange(BigEndian(i, 4));
                    break;
                case long l:
                    headerBytes.Add(5);
                    headerBytes.AddRange(BigEndian(l, 8));
                    break;
                case byte[] bytes:
                    headerBytes.Add(6);
                    headerBytes.AddRange(BigEndian(bytes.Length, 2));
                    headerBytes.AddRange(bytes);
                    break;
                case string text:
                    var textBytes = Encoding.UTF8.GetBytes(text);
                    headerBytes.Add(7);
                    headerBytes.AddRange(BigEndian(textBytes.Length, 2));
                    headerBytes.AddRange(textBytes);
                    break;
                case DateTimeOffset time:
                    headerBytes.Add(8);
                    headerBytes.AddRange(BigEndian(time.ToUnixTimeMilliseconds(), 8));
                    break;
                case Guid guid:
                    headerBytes.Add(9);
                    headerBytes.AddRange(guid.ToByteArray(bigEndian: true));
                    break;
                default:
                    throw new ArgumentException($"Unsupported header value type {value?.GetType().Name}.", nameof(headers));
            }
        }

        var total = 12 + headerBytes.Count + payload.Length + 4;
        var message = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)headerBytes.Count);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32.HashToUInt32(message.AsSpan(0, 8)));
        headerBytes.CopyTo(message, 12);
        payload.CopyTo(message.AsSpan(12 + headerBytes.Count));
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32.HashToUInt32(message.AsSpan(0, total - 4)));
        return message;
    }

    /// <summary>A ConverseStream event: <c>:message-type event</c>, its <c>:event-type</c>, JSON content type.</summary>
    public static byte[] Event(string eventType, string json) => Encode(
        [new(":event-type", eventType), new(":content-type", "application/json"), new(":message-type", "event")],
        Encoding.UTF8.GetBytes(json));

    /// <summary>A modeled exception: <c>:message-type exception</c> and its <c>:exception-type</c>, such as <c>throttlingException</c>.</summary>
    public static byte[] Exception(string exceptionType, string message) => Encode(
        [new(":exception-type", exceptionType), new(":content-type", "application/json"), new(":message-type", "exception")],
        Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["message"] = message }.ToJsonString()));

    private static byte[] BigEndian(long value, int size)
    {
        var bytes = new byte[size];
        for (var i = size - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return bytes;
    }
}
