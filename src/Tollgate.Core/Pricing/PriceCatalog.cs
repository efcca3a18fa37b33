using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Tollgate.Core.Pricing;

/// <summary>
/// Model prices by provider family, model id and time: the catalog shipped in the assembly
/// (<c>Pricing/prices.json</c>, see docs/pricing.md) plus the config's overrides. Immutable and thread-safe; a
/// lookup of a catalog price does not allocate.
/// </summary>
public sealed class PriceCatalog
{
    private const string ResourceName = "Tollgate.Core.Pricing.prices.json";
    private static readonly Lazy<PriceCatalog> DefaultCatalog = new(LoadEmbedded);

    private readonly FrozenDictionary<string, PriceFamily> _familiesByKey;
    private readonly OverrideTable? _modelOverrides;
    private readonly FrozenDictionary<string, OverrideTable>? _deploymentOverrides;
    // Merged override results; bounded by (catalog periods x overrides), so it never needs eviction.
    private readonly ConcurrentDictionary<MergeKey, ModelPrice> _merged = new();

    private PriceCatalog(FrozenDictionary<string, PriceFamily> familiesByKey, OverrideTable? modelOverrides, FrozenDictionary<string, OverrideTable>? deploymentOverrides)
    {
        _familiesByKey = familiesByKey;
        _modelOverrides = modelOverrides;
        _deploymentOverrides = deploymentOverrides;
    }

    /// <summary>The catalog shipped in Tollgate.Core, loaded and validated on first use.</summary>
    /// <exception cref="PriceCatalogException">The embedded catalog is malformed (a build defect; a test guards it).</exception>
    public static PriceCatalog Default => DefaultCatalog.Value;

    /// <summary>The family names, for reports and docs.</summary>
    public IEnumerable<string> Families => _familiesByKey.Values.Select(f => f.Name).Distinct(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="providerTypeOrFamily"/> maps to a catalog family (its models may still be unpriced).</summary>
    public bool IsKnownProvider(string? providerTypeOrFamily) => providerTypeOrFamily is not null && _familiesByKey.ContainsKey(providerTypeOrFamily);

    /// <summary>Parses and validates a catalog in the shipped JSON format.</summary>
    /// <exception cref="PriceCatalogException">The JSON is malformed; the message names the entry and the rule.</exception>
    public static PriceCatalog Parse(ReadOnlySpan<byte> utf8Json) => new(PriceCatalogReader.Read(utf8Json), null, null);

    /// <summary>
    /// A catalog with the config's prices layered on top: a deployment override (provider + model) beats a model
    /// override, which beats the catalog, rate by rate. Later overrides for the same target replace earlier ones. The
    /// result keeps this catalog's shipped prices and replaces (does not add to) any overrides this instance has, so a
    /// config reload can call it again with the full list.
    /// </summary>
    /// <exception cref="PriceCatalogException">An override is invalid (no model, a negative rate, a batch discount outside [0, 1)).</exception>
    public PriceCatalog WithOverrides(IEnumerable<PriceOverride> overrides)
    {
        var models = new Dictionary<string, PriceOverride>(StringComparer.OrdinalIgnoreCase);
        var deployments = new Dictionary<string, Dictionary<string, PriceOverride>>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in overrides)
        {
            PriceCatalogReader.ValidateOverride(item);
            var model = ModelIdMatcher.Normalize(item.Model).ToString();
            if (item.Provider is null)
            {
                models[model] = item;
            }
            else
            {
                if (!deployments.TryGetValue(item.Provider, out var table))
                {
                    table = new Dictionary<string, PriceOverride>(StringComparer.OrdinalIgnoreCase);
                    deployments[item.Provider] = table;
                }

                table[model] = item;
            }
        }

        return new PriceCatalog(
            _familiesByKey,
            models.Count == 0 ? null : new OverrideTable(models),
            deployments.Count == 0 ? null : deployments.ToFrozenDictionary(p => p.Key, p => new OverrideTable(p.Value), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The price in effect for <paramref name="query"/>, or <see langword="null"/> when the model is unpriced (unknown
    /// provider type, unknown model, or no period covering the time). Never throws.
    /// </summary>
    public ModelPrice? Find(in PriceQuery query)
    {
        if (query.Model is null)
        {
            return null;
        }

        ModelPrice? catalogPrice = null;
        if (query.ProviderType is not null && _familiesByKey.TryGetValue(query.ProviderType, out var family))
        {
            catalogPrice = family.Find(query.Model, query.At);
        }

        if (_modelOverrides is null && _deploymentOverrides is null)
        {
            return catalogPrice;
        }

        var modelOverride = _modelOverrides?.Find(query.Model);
        var deploymentOverride = FindDeploymentOverride(query);
        if (modelOverride is null && deploymentOverride is null)
        {
            return catalogPrice;
        }

        var merged = _merged.GetOrAdd(new MergeKey(catalogPrice, modelOverride, deploymentOverride), static key => Merge(key));
        return ReferenceEquals(merged, Unpriceable) ? null : merged;
    }

    private PriceOverride? FindDeploymentOverride(in PriceQuery query)
    {
        if (_deploymentOverrides is null)
        {
            return null;
        }

        if (query.ProviderName is not null && _deploymentOverrides.TryGetValue(query.ProviderName, out var byName))
        {
            var found = byName.Find(query.Model);
            if (found is not null)
            {
                return found;
            }
        }

        return query.ProviderType is not null && _deploymentOverrides.TryGetValue(query.ProviderType, out var byType) ? byType.Find(query.Model) : null;
    }

    private static ModelPrice Merge(MergeKey key)
    {
        var (catalog, model, deployment) = (key.Catalog, key.Model, key.Deployment);
        var input = deployment?.Input ?? model?.Input ?? catalog?.Input;
        if (input is null)
        {
            // Rates without an input price and nothing in the catalog beneath them: still unpriced. Cached as such.
            return Unpriceable;
        }

        var overridden = new OverriddenRates(
            deployment?.Input is not null || model?.Input is not null,
            deployment?.CachedInput is not null || model?.CachedInput is not null,
            deployment?.CacheWrite is not null || model?.CacheWrite is not null,
            deployment?.CacheWrite1h is not null || model?.CacheWrite1h is not null,
            deployment?.Output is not null || model?.Output is not null,
            deployment?.Reasoning is not null || model?.Reasoning is not null);

        return new ModelPrice
        {
            Model = catalog?.Model ?? (deployment ?? model)!.Model,
            Family = catalog is null ? "override" : catalog.Family,
            Kind = catalog?.Kind ?? ModelKind.Chat,
            EffectiveFrom = catalog?.EffectiveFrom ?? DateTimeOffset.MinValue,
            EffectiveTo = catalog?.EffectiveTo,
            Input = input.Value,
            CachedInput = deployment?.CachedInput ?? model?.CachedInput ?? catalog?.CachedInput,
            CacheWrite = deployment?.CacheWrite ?? model?.CacheWrite ?? catalog?.CacheWrite,
            CacheWrite1h = deployment?.CacheWrite1h ?? model?.CacheWrite1h ?? catalog?.CacheWrite1h,
            Output = deployment?.Output ?? model?.Output ?? catalog?.Output,
            Reasoning = deployment?.Reasoning ?? model?.Reasoning ?? catalog?.Reasoning,
            PerImage = deployment?.PerImage ?? model?.PerImage ?? catalog?.PerImage,
            BatchDiscount = deployment?.BatchDiscount ?? model?.BatchDiscount ?? catalog?.BatchDiscount,
            Tiers = catalog is null ? [] : [.. catalog.Tiers.Select(t => overridden.Strip(t))],
            Source = catalog?.Source,
            Checked = catalog?.Checked,
        };
    }

    // A sentinel for "overrides matched but no input price anywhere"; Find maps it back to null.
    private static readonly ModelPrice Unpriceable = new() { Model = "", Family = "", Input = 0m };

    private static PriceCatalog LoadEmbedded()
    {
        using var stream = typeof(PriceCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new PriceCatalogException($"The price catalog resource '{ResourceName}' is missing from {typeof(PriceCatalog).Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Which rates an override set, so the catalog's tier values for those rates stop applying.</summary>
    private readonly record struct OverriddenRates(bool Input, bool CachedInput, bool CacheWrite, bool CacheWrite1h, bool Output, bool Reasoning)
    {
        public PriceTier Strip(PriceTier tier) => tier with
        {
            Input = Input ? null : tier.Input,
            CachedInput = CachedInput ? null : tier.CachedInput,
            CacheWrite = CacheWrite ? null : tier.CacheWrite,
            CacheWrite1h = CacheWrite1h ? null : tier.CacheWrite1h,
            Output = Output ? null : tier.Output,
            Reasoning = Reasoning ? null : tier.Reasoning,
        };
    }

    /// <summary>Identity of a merge: the three layers by reference.</summary>
    private readonly struct MergeKey(ModelPrice? catalog, PriceOverride? model, PriceOverride? deployment) : IEquatable<MergeKey>
    {
        public ModelPrice? Catalog { get; } = catalog;

        public PriceOverride? Model { get; } = model;

        public PriceOverride? Deployment { get; } = deployment;

        public bool Equals(MergeKey other) =>
            ReferenceEquals(Catalog, other.Catalog) && ReferenceEquals(Model, other.Model) && ReferenceEquals(Deployment, other.Deployment);

        public override bool Equals(object? obj) => obj is MergeKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(
            Catalog is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Catalog),
            Model is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Model),
            Deployment is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Deployment));
    }

    /// <summary>Overrides for one target kind, matched with the catalog's id rules.</summary>
    private sealed class OverrideTable(Dictionary<string, PriceOverride> byModel)
    {
        private readonly Dictionary<string, PriceOverride>.AlternateLookup<ReadOnlySpan<char>> _lookup = byModel.GetAlternateLookup<ReadOnlySpan<char>>();

        public PriceOverride? Find(string model) =>
            ModelIdMatcher.TryMatch(_lookup, model, static _ => false, out var found) ? found : null;
    }
}
