using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// Reads <c>application/vnd.amazon.eventstream</c> messages from a stream, one at a time, however the bytes are split
/// across reads. Not thread-safe: one instance per response body.
/// </summary>
/// <remarks>
/// The framing, as AWS documents it (https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html,
/// https://docs.aws.amazon.com/lexv2/latest/dg/event-stream-encoding.html): a 12-byte prelude (total length and
/// headers length, both big-endian uint32, then the CRC-32 of those 8 bytes), the headers, the payload, and the
/// CRC-32 of everything before it. Total overhead is 16 bytes. Each header is a 1-byte name length, the name, a
/// 1-byte value type and the value: 0 true and 1 false (no bytes), 2 byte, 3 int16, 4 int32, 5 int64, 6 byte array
/// and 7 string (2-byte big-endian length first), 8 timestamp (int64 milliseconds), 9 UUID (16 bytes). Lengths
/// are checked before anything is allocated, so a corrupt prelude fails at once instead of waiting for bytes that
/// never come.
/// </remarks>
internal sealed class AwsEventStreamReader
{
    /// <summary>The largest message accepted: 16 MiB, the limit of AWS's own event-stream implementation.</summary>
    public const int DefaultMaxMessageLength = 16 * 1024 * 1024;

    private const int PreludeLength = 12;
    private const int Overhead = 16;

    private readonly Stream _stream;
    private readonly int _maxMessageLength;
    private readonly byte[] _prelude = new byte[PreludeLength];

    public AwsEventStreamReader(Stream stream, int maxMessageLength = DefaultMaxMessageLength)
    {
        _stream = stream;
        _maxMessageLength = maxMessageLength;
    }

    /// <summary>Reads the next message; <see langword="null"/> when the stream ends cleanly between messages.</summary>
    /// <exception cref="ProviderException">A CRC mismatch, an impossible length, a bad header, or a stream cut mid-message (502).</exception>
    public async ValueTask<AwsEventStreamMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        // Step 1: the prelude, validated before the rest is read.
        var got = await FillAsync(_prelude, cancellationToken);
        if (got == 0)
        {
            return null;
        }

        if (got < PreludeLength)
        {
            throw Invalid("The event stream ended in the middle of a message prelude.");
        }

        var totalLength = BinaryPrimitives.ReadUInt32BigEndian(_prelude);
        var headersLength = BinaryPrimitives.ReadUInt32BigEndian(_prelude.AsSpan(4));
        var preludeCrc = BinaryPrimitives.ReadUInt32BigEndian(_prelude.AsSpan(8));
        if (Crc32.HashToUInt32(_prelude.AsSpan(0, 8)) != preludeCrc)
        {
            throw Invalid("An event stream message has a prelude CRC mismatch.");
        }

        if (totalLength < Overhead || totalLength > (uint)_maxMessageLength || headersLength > totalLength - Overhead)
        {
            throw Invalid(string.Create(
                CultureInfo.InvariantCulture,
                $"An event stream message declares an impossible length (total {totalLength}, headers {headersLength})."));
        }

        // Step 2: the rest of the message, then its CRC over everything before the last four bytes.
        var message = new byte[totalLength];
        _prelude.CopyTo(message, 0);
        if (await FillAsync(message.AsMemory(PreludeLength), cancellationToken) < message.Length - PreludeLength)
        {
            throw Invalid("The event stream ended in the middle of a message.");
        }

        var messageCrc = BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(message.Length - 4));
        if (Crc32.HashToUInt32(message.AsSpan(0, message.Length - 4)) != messageCrc)
        {
            throw Invalid("An event stream message has a message CRC mismatch.");
        }

        // Step 3: headers and payload.
        var headers = ParseHeaders(message.AsSpan(PreludeLength, (int)headersLength));
        var payloadStart = PreludeLength + (int)headersLength;
        var payload = message.AsMemory(payloadStart, message.Length - 4 - payloadStart);
        return new AwsEventStreamMessage(headers, payload);
    }

    private static Dictionary<string, string> ParseHeaders(ReadOnlySpan<byte> data)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < data.Length)
        {
            var nameLength = data[i++];
            Need(data, i, nameLength + 1);
            var name = Encoding.UTF8.GetString(data.Slice(i, nameLength));
            i += nameLength;
            var type = data[i++];
            string value;
            switch (type)
            {
                case 0:
                    value = "true";
                    break;
                case 1:
                    value = "false";
                    break;
                case 2:
                    Need(data, i, 1);
                    value = ((sbyte)data[i]).ToString(CultureInfo.InvariantCulture);
                    i += 1;
                    break;
                case 3:
                    Need(data, i, 2);
                    value = BinaryPrimitives.ReadInt16BigEndian(data[i..]).ToString(CultureInfo.InvariantCulture);
                    i += 2;
                    break;
                case 4:
                    Need(data, i, 4);
                    value = BinaryPrimitives.ReadInt32BigEndian(data[i..]).ToString(CultureInfo.InvariantCulture);
                    i += 4;
                    break;
                case 5:
                    Need(data, i, 8);
                    value = BinaryPrimitives.ReadInt64BigEndian(data[i..]).ToString(CultureInfo.InvariantCulture);
                    i += 8;
                    break;
                case 6 or 7:
                    Need(data, i, 2);
                    var length = BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
                    i += 2;
                    Need(data, i, length);
                    value = type == 7 ? Encoding.UTF8.GetString(data.Slice(i, length)) : Convert.ToBase64String(data.Slice(i, length));
                    i += length;
                    break;
                case 8:
                    Need(data, i, 8);
                    value = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(data[i..])).ToString("O", CultureInfo.InvariantCulture);
                    i += 8;
                    break;
                case 9:
                    Need(data, i, 16);
                    value = new Guid(data.Slice(i, 16), bigEndian: true).ToString();
                    i += 16;
                    break;
                default:
                    throw Invalid(string.Create(CultureInfo.InvariantCulture, $"An event stream header has the unknown value type {type}."));
            }

            headers[name] = value;
        }

        return headers;
    }

    private static void Need(ReadOnlySpan<byte> data, int at, int count)
    {
        if (at + count > data.Length)
        {
            throw Invalid("An event stream header runs past the end of the headers section.");
        }
    }

    private static ProviderException Invalid(string message) =>
        new(ProviderErrorKind.InvalidResponse, 502, message)
        {
            ErrorType = "api_error",
            ErrorCode = "invalid_upstream_response",
        };

    private async ValueTask<int> FillAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer[filled..], cancellationToken);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return filled;
    }
}
