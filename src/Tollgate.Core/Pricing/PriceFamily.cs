namespace Tollgate.Core.Pricing;

/// <summary>One provider family of the catalog: its models by id and alias, each with its effective periods.</summary>
internal sealed class PriceFamily
{
    private readonly Dictionary<string, PriceModel>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public PriceFamily(string name, bool zeroPriced, Dictionary<string, PriceModel> modelsByIdOrAlias)
    {
        Name = name;
        ZeroPriced = zeroPriced;
        ModelsByIdOrAlias = modelsByIdOrAlias;
        _lookup = modelsByIdOrAlias.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Name { get; }

    /// <summary>Every model of the family costs zero (self-hosted servers).</summary>
    public bool ZeroPriced { get; }

    public Dictionary<string, PriceModel> ModelsByIdOrAlias { get; }

    public ModelPrice? Find(string model, DateTimeOffset at)
    {
        if (ZeroPriced)
        {
            return ModelPrice.Zero;
        }

        if (!ModelIdMatcher.TryMatch(_lookup, model, static m => m.ExactOnly, out var entry))
        {
            return null;
        }

        var periods = entry.Periods;
        for (var i = 0; i < periods.Length; i++)
        {
            if (periods[i].IsEffectiveAt(at))
            {
                return periods[i];
            }
        }

        return null;
    }
}
