using System.Globalization;
using Tollgate.Accounts;
using Tollgate.Core.Pricing;
using YamlDotNet.RepresentationModel;

namespace Tollgate.Core.Configuration;

/// <summary>The billing-related sections: <c>storage</c>, <c>pricing</c> and a model's <c>limits</c>.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] StorageKeys = ["sqlite", "ledger"];
    private static readonly string[] PricingKeys = ["overrides"];
    private static readonly string[] OverrideKeys =
        ["model", "provider", "input", "cached_input", "cache_write", "cache_write_1h", "output", "reasoning", "per_image", "batch_discount"];

    private static readonly string[] LimitKeys = ["rpm", "tpm", "max_parallel"];

    /// <summary>The most US dollars per million tokens (or per image) an override may set: a guard against typos.</summary>
    private const decimal MaxRate = 100_000m;

    private StorageConfig ReadStorage(YamlNode node, string path)
    {
        var storage = new StorageConfig();
        if (IsNull(node))
        {
            return storage;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return storage;
        }

        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            if (key == "sqlite")
            {
                storage = storage with { SqlitePath = ReadOptionalString(value, Join(path, key)) };
            }
            else if (key == "ledger")
            {
                if (ReadScalar(value, Join(path, key), ConfigValueKind.Boolean) is { } ledger)
                {
                    storage = storage with { Ledger = ConfigValue.FromScalar(ledger).AsBoolean() ?? true };
                }
            }
            else
            {
                UnknownKey(path, keyNode, key, StorageKeys);
            }
        }

        return storage;
    }

    private List<PriceOverride> ReadPricing(YamlNode node, string path)
    {
        var overrides = new List<PriceOverride>();
        if (IsNull(node))
        {
            return overrides;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return overrides;
        }

        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            var p = Join(path, key);
            if (key != "overrides")
            {
                UnknownKey(path, keyNode, key, PricingKeys);
                continue;
            }

            if (IsNull(value))
            {
                continue;
            }

            if (value is not YamlSequenceNode sequence)
            {
                Error(p, value.Start, "expected a list");
                continue;
            }

            for (var i = 0; i < sequence.Children.Count; i++)
            {
                if (ReadOverride(sequence.Children[i], $"{p}[{i}]") is { } priceOverride)
                {
                    overrides.Add(priceOverride);
                }
            }
        }

        return overrides;
    }

    private PriceOverride? ReadOverride(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return null;
        }

        string? model = null;
        string? provider = null;
        var rates = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var valid = true;
        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            var p = Join(path, key);
            switch (key)
            {
                case "model":
                    model = ReadRequiredString(value, p);
                    valid &= model is not null;
                    break;
                case "provider":
                    provider = ReadRequiredString(value, p);
                    if (provider is not null && !_providerNames.Contains(provider) && !providerTypes.ContainsKey(provider))
                    {
                        Error(p, value.Start, $"unknown provider '{provider}' (a provider name from 'providers' or a provider type){KeySuggester.Hint(provider, _providerNames)}");
                        valid = false;
                    }

                    break;
                default:
                    if (Array.IndexOf(OverrideKeys, key) < 0)
                    {
                        UnknownKey(path, keyNode, key, OverrideKeys);
                        valid = false;
                    }
                    else if (ReadRate(value, p, key == "batch_discount") is { } rate)
                    {
                        rates[key] = rate;
                    }
                    else
                    {
                        valid = false;
                    }

                    break;
            }
        }

        if (model is null && valid)
        {
            Error(path, map.Start, "missing required key 'model'");
            return null;
        }

        if (rates.Count == 0 && valid)
        {
            Error(path, map.Start, "sets no price: give at least one of input, cached_input, cache_write, cache_write_1h, output, reasoning, per_image, batch_discount");
            return null;
        }

        if (!valid || model is null)
        {
            return null;
        }

        decimal? Rate(string key) => rates.TryGetValue(key, out var r) ? r : null;
        return new PriceOverride
        {
            Model = model,
            Provider = provider,
            Input = Rate("input"),
            CachedInput = Rate("cached_input"),
            CacheWrite = Rate("cache_write"),
            CacheWrite1h = Rate("cache_write_1h"),
            Output = Rate("output"),
            Reasoning = Rate("reasoning"),
            PerImage = Rate("per_image"),
            BatchDiscount = Rate("batch_discount"),
        };
    }

    /// <summary>A rate in US dollars (per million tokens, per image) or a batch discount fraction, read exactly as a decimal.</summary>
    private decimal? ReadRate(YamlNode node, string path, bool isFraction)
    {
        if (!TryReadText(node, path, ConfigValueKind.String, out var text) || string.IsNullOrEmpty(text))
        {
            Error(path, node.Start, "expected a number");
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rate))
        {
            Error(path, node.Start, $"expected a number, got '{text}'");
            return null;
        }

        if (isFraction ? rate is < 0 or >= 1 : rate is < 0 or > MaxRate)
        {
            Error(path, node.Start, isFraction ? "must be at least 0 and less than 1" : $"must be between 0 and {MaxRate} US dollars");
            return null;
        }

        return rate;
    }

    private LimitSpec ReadLimits(YamlNode node, string path)
    {
        var limits = LimitSpec.None;
        if (IsNull(node))
        {
            return limits;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return limits;
        }

        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            var p = Join(path, key);
            if (Array.IndexOf(LimitKeys, key) < 0)
            {
                UnknownKey(path, keyNode, key, LimitKeys);
                continue;
            }

            if (ReadScalar(value, p, ConfigValueKind.Integer) is not { } text)
            {
                continue;
            }

            var number = long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (number < 0 || (key != "tpm" && number > int.MaxValue))
            {
                Error(p, value.Start, $"must be between 0 and {(key == "tpm" ? long.MaxValue : int.MaxValue)}");
                continue;
            }

            limits = key switch
            {
                "rpm" => limits with { RequestsPerMinute = (int)number },
                "tpm" => limits with { TokensPerMinute = number },
                _ => limits with { MaxParallel = (int)number },
            };
        }

        return limits;
    }
}
