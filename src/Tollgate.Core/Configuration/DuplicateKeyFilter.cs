using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Tollgate.Core.Configuration;

/// <summary>
/// Passes a YAML event stream through, dropping the second and later occurrences of a key in a mapping
/// (with their values) and remembering them, so the representation model loads (it throws on the first
/// duplicate) and every duplicate can be reported with its path.
/// </summary>
internal sealed class DuplicateKeyFilter(IParser inner) : IParser
{
    private readonly Stack<Frame> _frames = new();

    /// <summary>Dropped keys, by the <see cref="Mark.Index"/> of the start of the mapping that holds them.</summary>
    public Dictionary<long, List<Scalar>> Duplicates { get; } = [];

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        while (inner.MoveNext())
        {
            var current = inner.Current!;
            _frames.TryPeek(out var frame);
            if (frame is { IsMapping: true, ExpectKey: true } && current is Scalar key && !frame.Keys.Add(key.Value))
            {
                if (!Duplicates.TryGetValue(frame.Start.Index, out var list))
                {
                    list = [];
                    Duplicates[frame.Start.Index] = list;
                }

                list.Add(key);
                SkipNode();
                continue;
            }

            switch (current)
            {
                case MappingStart:
                    _frames.Push(new Frame(current.Start, IsMapping: true));
                    break;
                case SequenceStart:
                    _frames.Push(new Frame(current.Start, IsMapping: false));
                    break;
                case MappingEnd or SequenceEnd:
                    _frames.Pop();
                    NodeCompleted();
                    break;
                case Scalar or AnchorAlias:
                    NodeCompleted();
                    break;
                default:
                    break;
            }

            return true;
        }

        return false;
    }

    private void NodeCompleted()
    {
        if (_frames.TryPeek(out var frame) && frame.IsMapping)
        {
            frame.ExpectKey = !frame.ExpectKey;
        }
    }

    private void SkipNode()
    {
        var depth = 0;
        while (inner.MoveNext())
        {
            depth += inner.Current!.NestingIncrease;
            if (depth <= 0)
            {
                return;
            }
        }
    }

    private sealed record Frame(Mark Start, bool IsMapping)
    {
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public bool ExpectKey { get; set; } = true;
    }
}
