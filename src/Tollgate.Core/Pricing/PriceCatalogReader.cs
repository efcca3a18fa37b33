using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Tollgate.Core.Pricing;

/// <summary>
/// Reads and validates the catalog JSON (schema in docs/pricing.md). Every rule failure is a
/// <see cref="PriceCatalogException"/> whose message starts with the path of the offending entry.
/// </summary>
internal static class PriceCatalogReader
{
    /// <summary>The largest accepted rate (US dollars per million tokens, or per image): keeps every cost far inside decimal's range.</summary>
    public const decimal MaxRate = 100_000m;

    private static readonly System.Buffers.SearchValues<char> DecimalChars = System.Buffers.SearchValues.Create("0123456789.");
    private static readonly string[] RootKeys = ["schema_version", "families"];
    private static readonly string[] FamilyKeys = ["provider_types", "models", "zero_priced", "same_prices_as", "note"];
    private static readonly string[] ModelKeys = ["id", "aliases", "match", "kind", "note", "prices"];
    private static readonly string[] PeriodKeys =
        ["effective_from", "effective_to", "input", "cached_input", "cache_write", "cache_write_1h", "output", "reasoning", "per_image", "batch_discount", "tiers", "source", "checked", "note"];
    private static readonly string[] TierKeys = ["above_prompt_tokens", "input", "cached_input", "cache_write", "cache_write_1h", "output", "reasoning"];

    public static FrozenDictionary<string, PriceFamily> Read(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            // Startup only: the copy lets JsonDocument reject trailing content after the root object.
            document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            throw new PriceCatalogException($"Price catalog: not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            RequireObject(root, "Price catalog", RootKeys);
            var version = Required(root, "schema_version", "Price catalog");
            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != 1)
            {
                throw Fail("Price catalog", "'schema_version' must be 1.");
            }

            var families = Required(root, "families", "Price catalog");
            if (families.ValueKind != JsonValueKind.Object)
            {
                throw Fail("Price catalog", "'families' must be an object.");
            }

            var built = new Dictionary<string, PriceFamily>(StringComparer.Ordinal);
            var pendingAliases = new List<(string Name, string Target, string[] Types)>();
            var byKey = new Dictionary<string, PriceFamily>(StringComparer.OrdinalIgnoreCase);
            var typeOwner = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var family in families.EnumerateObject())
            {
                var path = $"families.{family.Name}";
                RequireObject(family.Value, path, FamilyKeys);
                var types = ReadStringArray(Required(family.Value, "provider_types", path), $"{path}.provider_types");
                if (types.Length == 0)
                {
                    throw Fail(path, "'provider_types' must name at least one provider type.");
                }

                foreach (var type in types)
                {
                    if (!typeOwner.TryAdd(type, family.Name))
                    {
                        throw Fail(path, $"provider type '{type}' is already mapped by family '{typeOwner[type]}'.");
                    }
                }

                var zeroPriced = family.Value.TryGetProperty("zero_priced", out var zp) && ReadBool(zp, $"{path}.zero_priced");
                var hasModels = family.Value.TryGetProperty("models", out var models);
                if (family.Value.TryGetProperty("same_prices_as", out var same))
                {
                    if (same.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(same.GetString()))
                    {
                        throw Fail(path, "'same_prices_as' must be a family name.");
                    }

                    if (hasModels || zeroPriced)
                    {
                        throw Fail(path, "a family with 'same_prices_as' has no 'models' and is not 'zero_priced'.");
                    }

                    pendingAliases.Add((family.Name, same.GetString()!, types));
                    continue;
                }

                if (zeroPriced && hasModels)
                {
                    throw Fail(path, "a 'zero_priced' family lists no models.");
                }

                if (!zeroPriced && !hasModels)
                {
                    throw Fail(path, "'models' is required (an empty array for a family without prices).");
                }

                var table = zeroPriced ? new Dictionary<string, PriceModel>(StringComparer.OrdinalIgnoreCase) : ReadModels(models, family.Name, path);
                var built1 = new PriceFamily(family.Name, zeroPriced, table);
                built[family.Name] = built1;
                foreach (var type in types)
                {
                    byKey[type] = built1;
                }
            }

            foreach (var (name, target, types) in pendingAliases)
            {
                if (!built.TryGetValue(target, out var targetFamily))
                {
                    throw Fail($"families.{name}", $"'same_prices_as' names '{target}', which is not a family with its own prices.");
                }

                foreach (var type in types)
                {
                    byKey[type] = targetFamily;
                }
            }

            // A family name also works as a lookup key where no provider type already claims it.
            foreach (var (name, family) in built)
            {
                byKey.TryAdd(name, family);
            }

            return byKey.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        }
    }

    public static void ValidateOverride(PriceOverride item)
    {
        var path = $"Price override for model '{item.Model}'" + (item.Provider is null ? "" : $" on provider '{item.Provider}'");
        if (string.IsNullOrWhiteSpace(item.Model) || ModelIdMatcher.Normalize(item.Model).IsEmpty)
        {
            throw Fail(path, "a model is required.");
        }

        if (item.Provider is not null && string.IsNullOrWhiteSpace(item.Provider))
        {
            throw Fail(path, "the provider, when given, must not be blank.");
        }

        CheckRate(item.Input, path, "input");
        CheckRate(item.CachedInput, path, "cached_input");
        CheckRate(item.CacheWrite, path, "cache_write");
        CheckRate(item.CacheWrite1h, path, "cache_write_1h");
        CheckRate(item.Output, path, "output");
        CheckRate(item.Reasoning, path, "reasoning");
        CheckRate(item.PerImage, path, "per_image");
        if (item.BatchDiscount is { } discount && (discount < 0m || discount >= 1m))
        {
            throw Fail(path, "'batch_discount' must be a fraction in [0, 1).");
        }

        if (item.Input is null && item.CachedInput is null && item.CacheWrite is null && item.CacheWrite1h is null && item.Output is null
            && item.Reasoning is null && item.PerImage is null && item.BatchDiscount is null)
        {
            throw Fail(path, "it sets no price.");
        }
    }

    private static Dictionary<string, PriceModel> ReadModels(JsonElement models, string familyName, string familyPath)
    {
        if (models.ValueKind != JsonValueKind.Array)
        {
            throw Fail(familyPath, "'models' must be an array.");
        }

        var table = new Dictionary<string, PriceModel>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var model in models.EnumerateArray())
        {
            var path = $"{familyPath}.models[{index++}]";
            RequireObject(model, path, ModelKeys);
            var id = ReadId(Required(model, "id", path), $"{path}.id");
            path = $"{path} ('{id}')";
            var aliases = model.TryGetProperty("aliases", out var a) ? ReadStringArray(a, $"{path}.aliases") : [];
            var exactOnly = false;
            if (model.TryGetProperty("match", out var match))
            {
                exactOnly = ReadEnum(match, $"{path}.match", "prefix", "exact") == "exact";
            }

            var kind = ModelKind.Chat;
            if (model.TryGetProperty("kind", out var k))
            {
                kind = ReadEnum(k, $"{path}.kind", "chat", "embedding") == "embedding" ? ModelKind.Embedding : ModelKind.Chat;
            }

            var periods = ReadPeriods(Required(model, "prices", path), id, familyName, kind, path);
            var entry = new PriceModel(id, exactOnly, periods);
            foreach (var key in aliases.Prepend(id))
            {
                var checkedKey = ReadIdText(key, $"{path}.aliases");
                if (!table.TryAdd(checkedKey, entry))
                {
                    throw Fail(path, $"id or alias '{checkedKey}' is already used by model '{table[checkedKey].Id}' in this family.");
                }
            }
        }

        return table;
    }

    private static ModelPrice[] ReadPeriods(JsonElement prices, string id, string familyName, ModelKind kind, string modelPath)
    {
        if (prices.ValueKind != JsonValueKind.Array || prices.GetArrayLength() == 0)
        {
            throw Fail(modelPath, "'prices' must be a non-empty array of effective periods.");
        }

        var periods = new List<ModelPrice>();
        var index = 0;
        foreach (var period in prices.EnumerateArray())
        {
            var path = $"{modelPath}.prices[{index++}]";
            RequireObject(period, path, PeriodKeys);
            var from = ReadInstant(Required(period, "effective_from", path), $"{path}.effective_from");
            DateTimeOffset? to = period.TryGetProperty("effective_to", out var t) ? ReadInstant(t, $"{path}.effective_to") : null;
            if (to is not null && to <= from)
            {
                throw Fail(path, "'effective_to' must be later than 'effective_from'.");
            }

            var source = ReadString(Required(period, "source", path), $"{path}.source");
            if (!Uri.TryCreate(source, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw Fail(path, $"'source' must be the https URL of the provider's pricing page, got '{source}'.");
            }

            var checkedText = ReadString(Required(period, "checked", path), $"{path}.checked");
            if (!DateOnly.TryParseExact(checkedText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var checkedOn))
            {
                throw Fail(path, $"'checked' must be a date like 2026-01-31, got '{checkedText}'.");
            }

            var input = ReadRate(period, "input", path) ?? throw Fail(path, "'input' is required.");
            var output = ReadRate(period, "output", path);
            var tiers = period.TryGetProperty("tiers", out var tierArray) ? ReadTiers(tierArray, path) : [];
            var price = new ModelPrice
            {
                Model = id,
                Family = familyName,
                Kind = kind,
                EffectiveFrom = from,
                EffectiveTo = to,
                Input = input,
                CachedInput = ReadRate(period, "cached_input", path),
                CacheWrite = ReadRate(period, "cache_write", path),
                CacheWrite1h = ReadRate(period, "cache_write_1h", path),
                Output = output,
                Reasoning = ReadRate(period, "reasoning", path),
                PerImage = ReadRate(period, "per_image", path),
                BatchDiscount = ReadRate(period, "batch_discount", path),
                Tiers = tiers,
                Source = source,
                Checked = checkedOn,
            };

            if (price.BatchDiscount is { } discount && discount >= 1m)
            {
                throw Fail(path, "'batch_discount' must be a fraction in [0, 1).");
            }

            if (kind == ModelKind.Chat && output is null)
            {
                throw Fail(path, "'output' is required for a chat model.");
            }

            if (kind == ModelKind.Embedding
                && (output is not null || price.CachedInput is not null || price.CacheWrite is not null || price.CacheWrite1h is not null || price.Reasoning is not null || tiers.Length > 0))
            {
                throw Fail(path, "an embedding model has only 'input', 'per_image' and 'batch_discount' rates.");
            }

            periods.Add(price);
        }

        // Periods in time order, each closed before the next opens, and only the last open-ended.
        for (var i = 1; i < periods.Count; i++)
        {
            var previous = periods[i - 1];
            if (periods[i].EffectiveFrom <= previous.EffectiveFrom)
            {
                throw Fail($"{modelPath}.prices[{i}]", "periods must be listed in increasing 'effective_from' order.");
            }

            if (previous.EffectiveTo is null || previous.EffectiveTo > periods[i].EffectiveFrom)
            {
                throw Fail($"{modelPath}.prices[{i}]", $"overlaps prices[{i - 1}]: give prices[{i - 1}] an 'effective_to' no later than this 'effective_from'.");
            }
        }

        return [.. periods];
    }

    private static PriceTier[] ReadTiers(JsonElement tiers, string periodPath)
    {
        if (tiers.ValueKind != JsonValueKind.Array)
        {
            throw Fail(periodPath, "'tiers' must be an array.");
        }

        var result = new List<PriceTier>();
        var index = 0;
        foreach (var tier in tiers.EnumerateArray())
        {
            var path = $"{periodPath}.tiers[{index++}]";
            RequireObject(tier, path, TierKeys);
            var above = Required(tier, "above_prompt_tokens", path);
            if (above.ValueKind != JsonValueKind.Number || !above.TryGetInt64(out var threshold) || threshold <= 0)
            {
                throw Fail(path, "'above_prompt_tokens' must be a positive whole number.");
            }

            if (result.Count > 0 && threshold <= result[^1].AbovePromptTokens)
            {
                throw Fail(path, "tiers must be listed in increasing 'above_prompt_tokens' order.");
            }

            var built = new PriceTier
            {
                AbovePromptTokens = threshold,
                Input = ReadRate(tier, "input", path),
                CachedInput = ReadRate(tier, "cached_input", path),
                CacheWrite = ReadRate(tier, "cache_write", path),
                CacheWrite1h = ReadRate(tier, "cache_write_1h", path),
                Output = ReadRate(tier, "output", path),
                Reasoning = ReadRate(tier, "reasoning", path),
            };
            if (built is { Input: null, CachedInput: null, CacheWrite: null, CacheWrite1h: null, Output: null, Reasoning: null })
            {
                throw Fail(path, "a tier must set at least one rate.");
            }

            result.Add(built);
        }

        return [.. result];
    }

    /// <summary>A rate: a JSON string holding a plain decimal ("2.50"), never a JSON number (no floating point anywhere).</summary>
    private static decimal? ReadRate(JsonElement owner, string name, string path)
    {
        if (!owner.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Fail(path, $"'{name}' must be a decimal string such as \"2.50\", got a JSON {value.ValueKind.ToString().ToLowerInvariant()}.");
        }

        var text = value.GetString()!;
        if (text.Length == 0 || text.Length > 20 || text[0] == '.' || text[^1] == '.'
            || text.AsSpan().ContainsAnyExcept(DecimalChars) || text.Count(c => c == '.') > 1
            || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate))
        {
            throw Fail(path, $"'{name}' must be a non-negative decimal string such as \"2.50\", got \"{text}\".");
        }

        if (rate > MaxRate)
        {
            throw Fail(path, $"'{name}' is {text}, above the {MaxRate} maximum.");
        }

        return rate;
    }

    private static void CheckRate(decimal? rate, string path, string name)
    {
        if (rate is { } value && (value < 0m || value > MaxRate))
        {
            throw Fail(path, $"'{name}' must be between 0 and {MaxRate}.");
        }
    }

    private static DateTimeOffset ReadInstant(JsonElement value, string path)
    {
        var text = ReadString(value, path);
        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss'Z'"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant;
        }

        throw Fail(path, $"must be a UTC date (2025-09-29) or instant (2025-09-05T16:00:00Z), got '{text}'.");
    }

    private static string ReadId(JsonElement value, string path) => ReadIdText(ReadString(value, path), path);

    private static string ReadIdText(string id, string path)
    {
        if (id.Length == 0 || id != id.Trim() || id.Any(char.IsWhiteSpace) || id.Contains('/') || id.Any(char.IsUpper))
        {
            throw Fail(path, $"model id '{id}' must be lower case, without spaces or '/'.");
        }

        return id;
    }

    private static string[] ReadStringArray(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(path, "must be an array of strings.");
        }

        return [.. value.EnumerateArray().Select(item => ReadString(item, path))];
    }

    private static string ReadString(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(value.GetString())
            ? value.GetString()!
            : throw Fail(path, "must be a non-empty string.");

    private static bool ReadBool(JsonElement value, string path) =>
        value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail(path, "must be true or false."),
        };

    private static string ReadEnum(JsonElement value, string path, params string[] allowed)
    {
        var text = ReadString(value, path);
        return allowed.Contains(text, StringComparer.Ordinal) ? text : throw Fail(path, $"must be one of {string.Join(", ", allowed)}, got '{text}'.");
    }

    private static JsonElement Required(JsonElement owner, string name, string path) =>
        owner.TryGetProperty(name, out var value) ? value : throw Fail(path, $"'{name}' is required.");

    private static void RequireObject(JsonElement value, string path, string[] allowedKeys)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(path, "must be an object.");
        }

        foreach (var property in value.EnumerateObject())
        {
            if (!allowedKeys.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Fail(path, $"unknown field '{property.Name}' (allowed: {string.Join(", ", allowedKeys)}).");
            }
        }
    }

    private static PriceCatalogException Fail(string path, string message) => new($"{path}: {message}");
}
