using System.Globalization;
using System.Text.Json;
using Tollgate.Accounts;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary>
/// A parsed admin request body (a JSON object). Every reader names the field in its 400 error. A field that is absent
/// and a field that is <c>null</c> differ: on updates, absent keeps the value and <c>null</c> clears it.
/// </summary>
internal sealed class AdminBody
{
    private const long NanoDollarsPerDollar = 1_000_000_000;

    private readonly JsonElement _root;

    private AdminBody(JsonElement root, string text)
    {
        _root = root;
        Text = text;
    }

    /// <summary>The body as compact JSON, for audit details (requests never carry secrets).</summary>
    public string Text { get; }

    public static async Task<AdminBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0)
        {
            return Parse("{}");
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw AdminErrors.BadRequest("The request body must be a JSON object.");
            }

            var root = document.RootElement.Clone();
            return new AdminBody(root, root.GetRawText());
        }
        catch (JsonException)
        {
            throw AdminErrors.BadRequest("The request body is not valid JSON.");
        }
    }

    public static AdminBody Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        return new AdminBody(root, root.GetRawText());
    }

    /// <summary>Refuses any field not in <paramref name="allowed"/>, so a typo is not silently ignored.</summary>
    public void EnsureOnly(params string[] allowed)
    {
        foreach (var property in _root.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                throw AdminErrors.BadRequest($"Unknown field '{property.Name}'. Allowed fields: {string.Join(", ", allowed)}.", property.Name);
            }
        }
    }

    public bool Has(string name) => _root.TryGetProperty(name, out _);

    public bool IsNull(string name) => _root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Null;

    public string? GetString(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw AdminErrors.BadRequest($"'{name}' must be a string.", name);
        }

        return value.GetString()!;
    }

    /// <summary>A required name: 1 to 200 characters, not blank.</summary>
    public string RequireName(string name)
    {
        var value = GetString(name) ?? throw AdminErrors.BadRequest($"'{name}' is required.", name);
        ValidateName(name, value);
        return value;
    }

    public static void ValidateName(string field, string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200 || value.Trim() != value || value.Any(char.IsControl))
        {
            throw AdminErrors.BadRequest($"'{field}' must be 1 to 200 characters without leading or trailing spaces or control characters.", field);
        }
    }

    public long? GetPositiveInteger(string name, long max)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < 1 || number > max)
        {
            throw AdminErrors.BadRequest($"'{name}' must be a whole number from 1 to {max.ToString(CultureInfo.InvariantCulture)}.", name);
        }

        return number;
    }

    public long? GetNonNegativeInteger(string name, long max)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < 0 || number > max)
        {
            throw AdminErrors.BadRequest($"'{name}' must be a whole number from 0 to {max.ToString(CultureInfo.InvariantCulture)}.", name);
        }

        return number;
    }

    public IReadOnlyList<string>? GetStringList(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw AdminErrors.BadRequest($"'{name}' must be an array of strings.", name);
        }

        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                throw AdminErrors.BadRequest($"'{name}' must be an array of non-empty strings.", name);
            }

            var text = item.GetString()!;
            if (!list.Contains(text, StringComparer.Ordinal))
            {
                list.Add(text);
            }
        }

        return list;
    }

    public IReadOnlyDictionary<string, string>? GetStringMap(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw AdminErrors.BadRequest($"'{name}' must be an object of string values.", name);
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw AdminErrors.BadRequest($"'{name}.{property.Name}' must be a string.", name);
            }

            map[property.Name] = property.Value.GetString()!;
        }

        return map;
    }

    /// <summary>A time: an ISO 8601 date (midnight UTC) or date and time; a time without an offset is UTC.</summary>
    public DateTimeOffset? GetTime(string name)
    {
        var text = GetString(name);
        if (text is null)
        {
            return null;
        }

        return ParseTime(text) ?? throw AdminErrors.BadRequest($"'{name}' must be an ISO 8601 date or time, such as 2027-01-01 or 2027-01-01T12:00:00Z.", name);
    }

    public static DateTimeOffset? ParseTime(string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time.ToUniversalTime()
            : null;
    }

    /// <summary>
    /// The budget after this body: unchanged when neither <c>budget_usd</c> nor <c>budget_period</c> is given,
    /// none when <c>budget_usd</c> is null, else the given amount (US dollars, exact to the nano-dollar) and period
    /// (default: the current one, else <c>total</c>).
    /// </summary>
    public BudgetSpec? GetBudget(BudgetSpec? current)
    {
        var hasAmount = Has("budget_usd");
        var hasPeriod = Has("budget_period") && !IsNull("budget_period");
        if (!hasAmount && !hasPeriod)
        {
            return current;
        }

        if (IsNull("budget_usd"))
        {
            if (hasPeriod)
            {
                throw AdminErrors.BadRequest("'budget_period' needs a 'budget_usd'.", "budget_period");
            }

            return null;
        }

        long nano;
        if (hasAmount)
        {
            nano = ToNanoDollars(_root.GetProperty("budget_usd"));
        }
        else
        {
            nano = current?.LimitNanoDollars ?? throw AdminErrors.BadRequest("'budget_period' needs a 'budget_usd'.", "budget_period");
        }

        var period = hasPeriod ? ParsePeriod(GetString("budget_period")!) : current?.Period ?? BudgetPeriod.Total;
        return new BudgetSpec(nano, period);
    }

    /// <summary>The rate limits after this body: each of <c>rpm</c>, <c>tpm</c>, <c>max_parallel</c> kept when absent, cleared when null.</summary>
    public LimitSpec GetLimits(LimitSpec current)
    {
        var limits = current;
        if (Has("rpm"))
        {
            limits = limits with { RequestsPerMinute = (int?)GetPositiveInteger("rpm", int.MaxValue) };
        }

        if (Has("tpm"))
        {
            limits = limits with { TokensPerMinute = GetPositiveInteger("tpm", long.MaxValue) };
        }

        if (Has("max_parallel"))
        {
            limits = limits with { MaxParallel = (int?)GetPositiveInteger("max_parallel", int.MaxValue) };
        }

        return limits.IsEmpty ? LimitSpec.None : limits;
    }

    public static BudgetPeriod ParsePeriod(string text) => text.ToUpperInvariant() switch
    {
        "DAILY" => BudgetPeriod.Daily,
        "WEEKLY" => BudgetPeriod.Weekly,
        "MONTHLY" => BudgetPeriod.Monthly,
        "TOTAL" => BudgetPeriod.Total,
        _ => throw AdminErrors.BadRequest($"'budget_period' must be daily, weekly, monthly or total, not '{text}'.", "budget_period"),
    };

    private static long ToNanoDollars(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var dollars) || dollars < 0)
        {
            throw AdminErrors.BadRequest("'budget_usd' must be a number of US dollars, zero or more.", "budget_usd");
        }

        if (dollars > long.MaxValue / NanoDollarsPerDollar)
        {
            throw AdminErrors.BadRequest("'budget_usd' is too large.", "budget_usd");
        }

        var nano = dollars * NanoDollarsPerDollar;
        if (nano != decimal.Truncate(nano))
        {
            throw AdminErrors.BadRequest("'budget_usd' has more decimal places than a nano-dollar (9).", "budget_usd");
        }

        return (long)nano;
    }
}
