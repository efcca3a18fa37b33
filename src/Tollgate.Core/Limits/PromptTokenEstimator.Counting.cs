using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Tollgate.Core.Limits;

/// <summary>The estimator's body kinds and its text counter (tokenizer or conservative rule).</summary>
public sealed partial class PromptTokenEstimator
{
    private enum BodyFormat
    {
        OpenAIChat,
        AnthropicMessages,
        OpenAIEmbeddings,
    }

    private enum TopProperty
    {
        Other,
        Messages,
        System,
        Tools,
        MaxTokens,
        MaxCompletionTokens,
        Choices,
        Input,
    }

    private enum BlockKind
    {
        Other,
        Image,
        File,
        Base64File,
        TextFile,
        UrlFile,
    }

    /// <summary>
    /// Collects text for one count: with a tokenizer, into one pooled buffer (pieces separated by a newline so words
    /// never merge) counted once at the end; without, as ASCII and non-ASCII byte totals.
    /// </summary>
    private ref struct TextCounter
    {
        private readonly Tokenizer? _tokenizer;
        private char[]? _buffer;
        private int _length;
        private long _fixed;
        private long _ascii;
        private long _other;

        public TextCounter(Tokenizer? tokenizer) => _tokenizer = tokenizer;

        public void AddFixed(long tokens) => _fixed += tokens;

        public void AddText(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return;
            }

            if (_tokenizer is null)
            {
                var bytes = Encoding.UTF8.GetByteCount(text);
                var nonAscii = text.Length == bytes && Ascii.IsValid(text) ? 0 : bytes - CountAsciiChars(text);
                _ascii += bytes - nonAscii;
                _other += nonAscii;
                return;
            }

            var span = Reserve(text.Length);
            text.CopyTo(span);
            _length += text.Length;
        }

        public void AddUtf8(ReadOnlySpan<byte> utf8)
        {
            if (utf8.IsEmpty)
            {
                return;
            }

            if (_tokenizer is null)
            {
                var ascii = CountAscii(utf8);
                _ascii += ascii;
                _other += utf8.Length - ascii;
                return;
            }

            var span = Reserve(utf8.Length);
            _length += Encoding.UTF8.GetChars(utf8, span);
        }

        public void AddJsonString(ref Utf8JsonReader reader)
        {
            if (!reader.ValueIsEscaped && !reader.HasValueSequence)
            {
                AddUtf8(reader.ValueSpan);
                return;
            }

            var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
            var rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                var written = reader.CopyString(rented);
                AddUtf8(rented.AsSpan(0, written));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        public readonly long Total()
        {
            if (_tokenizer is null)
            {
                return _fixed + Conservative(_ascii, _other);
            }

            return _fixed + (_length == 0 ? 0 : _tokenizer.CountTokens(_buffer.AsSpan(0, _length)));
        }

        public void Dispose()
        {
            if (_buffer is not null)
            {
                ArrayPool<char>.Shared.Return(_buffer);
                _buffer = null;
            }
        }

        // Room for a separator and `chars` more characters; returns the span to write them to.
        private Span<char> Reserve(int chars)
        {
            var needed = _length + chars + 1;
            if (_buffer is null || _buffer.Length < needed)
            {
                var grown = ArrayPool<char>.Shared.Rent(Math.Max(needed, Math.Max(4096, (_buffer?.Length ?? 0) * 2)));
                if (_buffer is not null)
                {
                    _buffer.AsSpan(0, _length).CopyTo(grown);
                    ArrayPool<char>.Shared.Return(_buffer);
                }

                _buffer = grown;
            }

            if (_length > 0)
            {
                _buffer[_length++] = '\n';
            }

            return _buffer.AsSpan(_length, chars);
        }

        private static int CountAsciiChars(string text)
        {
            var ascii = 0;
            foreach (var c in text)
            {
                if (c < 0x80)
                {
                    ascii++;
                }
            }

            return ascii;
        }
    }
}
