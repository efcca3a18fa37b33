using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Tollgate.Core.Configuration;

/// <summary>
/// Walks a loaded YAML document into a <see cref="TollgateConfig"/>, collecting every error with its path
/// and position instead of stopping at the first. Single use; not thread-safe.
/// </summary>
/// <remarks>
/// Scalar values (never keys) are interpolated with <see cref="EnvironmentInterpolator"/> before their type
/// is checked. Messages about <c>api_key</c> and <c>master_key</c> never echo the value: string fields only
/// fail on shape ("expected a string") or on an environment reference, which names the variable. This file reads
/// the sections; ConfigReader.Values.cs reads typed values and names from single nodes.
/// </remarks>
internal sealed partial class ConfigReader(
    IReadOnlyDictionary<string, IReadOnlyList<ProviderSetting>> providerTypes,
    Func<string, string?> getEnvironmentVariable,
    IReadOnlyDictionary<long, List<Scalar>> duplicates)
{
    private static readonly string[] RootKeys = ["server", "providers", "models", "storage", "pricing"];
    private static readonly string[] ServerKeys = ["master_key", "max_request_body_bytes", "data_dir", "default_output_tokens"];
    private static readonly string[] ProviderKeys = ["type", "base_url", "api_key", "timeouts"];
    private static readonly string[] TimeoutKeys = ["connect", "first_byte", "idle", "total"];
    private static readonly string[] ModelKeys =
    [
        "deployments", "limits", "strategy", "retries", "backoff", "fallbacks", "rate_limit_fallbacks", "context_window_fallbacks",
        "content_policy_fallbacks", "context_window", "circuit_breaker", "timeout", "first_token_timeout", "idle_timeout", "hedging",
    ];

    private static readonly string[] DeploymentKeys = ["provider", "model", "weight", "priority", "rpm", "tpm"];

    private readonly List<ConfigError> _errors = [];
    private readonly HashSet<string> _providerNames = new(StringComparer.Ordinal);
    private StorageConfig _storage = new();
    private IReadOnlyList<Pricing.PriceOverride> _priceOverrides = [];

    /// <summary>The errors found, in file order.</summary>
    public IReadOnlyList<ConfigError> Errors =>
        [.. _errors.OrderBy(e => e.Line ?? 0).ThenBy(e => e.Column ?? 0)];

    /// <summary>Reads the document whose root is <paramref name="root"/> (<see langword="null"/> for an empty file).</summary>
    /// <returns>The config, or <see langword="null"/> when any error was found.</returns>
    public TollgateConfig? Read(YamlNode? root, string? sourcePath)
    {
        var server = new ServerConfig();
        var providers = new Dictionary<string, ProviderConfig>(StringComparer.Ordinal);
        var models = new Dictionary<string, ModelConfig>(StringComparer.Ordinal);
        if (root is not null && !IsNull(root))
        {
            if (root is YamlMappingNode map)
            {
                YamlNode? modelsNode = null;
                YamlNode? pricingNode = null;
                var storage = new StorageConfig();
                foreach (var (key, keyNode, value) in Entries(map, string.Empty))
                {
                    switch (key)
                    {
                        case "server":
                            server = ReadServer(value, key);
                            break;
                        case "providers":
                            providers = ReadProviders(value, key);
                            break;
                        case "models":
                            modelsNode = value;
                            break;
                        case "storage":
                            storage = ReadStorage(value, key);
                            break;
                        case "pricing":
                            pricingNode = value;
                            break;
                        default:
                            UnknownKey(string.Empty, keyNode, key, RootKeys);
                            break;
                    }
                }

                // Models are read after providers wherever they sit in the file: deployments refer to provider names.
                if (modelsNode is not null)
                {
                    models = ReadModels(modelsNode, "models");
                }

                // Price overrides may name providers too.
                _storage = storage;
                if (pricingNode is not null)
                {
                    _priceOverrides = ReadPricing(pricingNode, "pricing");
                }
            }
            else
            {
                Error(string.Empty, root.Start, "expected a mapping");
            }
        }

        return _errors.Count > 0
            ? null
            : new TollgateConfig { Server = server, Providers = providers, Models = models, Storage = _storage, PriceOverrides = _priceOverrides, SourcePath = sourcePath };
    }

    /// <summary>Records an error that has no node, such as a second YAML document.</summary>
    public void Error(string path, Mark at, string message) =>
        _errors.Add(new ConfigError(path, message, checked((int)at.Line), checked((int)at.Column)));

    private ServerConfig ReadServer(YamlNode node, string path)
    {
        var server = new ServerConfig();
        if (IsNull(node))
        {
            return server;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return server;
        }

        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            var p = Join(path, key);
            switch (key)
            {
                case "master_key":
                    server = server with { MasterKey = ReadOptionalString(value, p) };
                    break;
                case "max_request_body_bytes":
                    if (ReadPositiveInteger(value, p) is { } bytes)
                    {
                        server = server with { MaxRequestBodyBytes = bytes };
                    }

                    break;
                case "data_dir":
                    server = server with { DataDirectory = ReadOptionalString(value, p) };
                    break;
                case "default_output_tokens":
                    if (ReadPositiveInteger(value, p) is { } tokens)
                    {
                        server = server with { DefaultOutputTokens = tokens };
                    }

                    break;
                default:
                    UnknownKey(path, keyNode, key, ServerKeys);
                    break;
            }
        }

        return server;
    }

    private Dictionary<string, ProviderConfig> ReadProviders(YamlNode node, string path)
    {
        var providers = new Dictionary<string, ProviderConfig>(StringComparer.Ordinal);
        if (IsNull(node))
        {
            return providers;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return providers;
        }

        var entries = Entries(map, path);

        // Every name counts as known, even one whose entry has errors, so a deployment naming it is not reported twice.
        foreach (var (name, _, _) in entries)
        {
            _providerNames.Add(name);
        }

        foreach (var (name, keyNode, value) in entries)
        {
            var p = Join(path, name);
            var nameIsValid = CheckName(path, p, keyNode, name);
            if (ReadProvider(value, p, name) is { } provider && nameIsValid)
            {
                providers[name] = provider;
            }
        }

        return providers;
    }

    private ProviderConfig? ReadProvider(YamlNode node, string path, string name)
    {
        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return null;
        }

        var entries = Entries(map, path);

        // Step 1: the type first, wherever it sits: it decides which other keys are allowed.
        string? type = null;
        IReadOnlyList<ProviderSetting>? settingKinds = null;
        var typeNode = entries.Find(e => e.Key == "type").Value;
        if (typeNode is null)
        {
            Error(path, map.Start, "missing required key 'type'");
        }
        else if (ReadRequiredString(typeNode, Join(path, "type")) is { } t)
        {
            if (providerTypes.TryGetValue(t, out settingKinds))
            {
                type = t;
            }
            else
            {
                var known = string.Join(", ", providerTypes.Keys.Order(StringComparer.Ordinal));
                Error(Join(path, "type"), typeNode.Start, $"unknown provider type '{t}' (known: {known})");
            }
        }

        // Step 2: the common keys, then the type's own keys.
        string? baseUrl = null;
        string? apiKey = null;
        var timeouts = UpstreamTimeouts.Default;
        var settings = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        foreach (var (key, keyNode, value) in entries)
        {
            var p = Join(path, key);
            switch (key)
            {
                case "type":
                    break;
                case "base_url":
                    baseUrl = ReadUrl(value, p);
                    break;
                case "api_key":
                    apiKey = ReadOptionalString(value, p);
                    break;
                case "timeouts":
                    timeouts = ReadTimeouts(value, p);
                    break;
                default:
                    if (settingKinds is null)
                    {
                        // Without a valid type the type's keys are unknown; only flag a likely misspelt common key.
                        if (KeySuggester.Suggest(key, ProviderKeys) is not null)
                        {
                            UnknownKey(path, keyNode, key, ProviderKeys);
                        }
                    }
                    else if (FindSetting(settingKinds, key) is { } setting)
                    {
                        if (ReadSetting(value, p, setting.Kind, setting.MapValueKind) is { } configValue)
                        {
                            settings[key] = configValue;
                        }
                    }
                    else
                    {
                        UnknownKey(path, keyNode, key, [.. ProviderKeys, .. settingKinds.Select(s => s.Key)]);
                    }

                    break;
            }
        }

        return type is null
            ? null
            : new ProviderConfig { Name = name, Type = type, BaseUrl = baseUrl, ApiKey = apiKey, Timeouts = timeouts, Settings = settings };
    }

    private UpstreamTimeouts ReadTimeouts(YamlNode node, string path)
    {
        var timeouts = UpstreamTimeouts.Default;
        if (IsNull(node))
        {
            return timeouts;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return timeouts;
        }

        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            var p = Join(path, key);
            if (Array.IndexOf(TimeoutKeys, key) < 0)
            {
                UnknownKey(path, keyNode, key, TimeoutKeys);
                continue;
            }

            if (ReadScalar(value, p, ConfigValueKind.Duration) is not { } text)
            {
                continue;
            }

            if (!DurationParser.TryParse(text, out var duration) || duration <= TimeSpan.Zero)
            {
                Error(p, value.Start, "must be greater than 0");
                continue;
            }

            timeouts = key switch
            {
                "connect" => timeouts with { Connect = duration },
                "first_byte" => timeouts with { FirstByte = duration },
                "idle" => timeouts with { Idle = duration },
                _ => timeouts with { Total = duration },
            };
        }

        return timeouts;
    }

    private ConfigValue? ReadSetting(YamlNode node, string path, ConfigValueKind kind, ConfigValueKind mapValueKind)
    {
        if (kind != ConfigValueKind.Map)
        {
            return ReadScalar(node, path, kind) is { } text ? ConfigValue.FromScalar(text) : null;
        }

        if (IsNull(node))
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return null;
        }

        // A map of maps is not a thing settings need; its values are read as strings.
        var valueKind = mapValueKind == ConfigValueKind.Map ? ConfigValueKind.String : mapValueKind;
        var entries = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            if (key.Length == 0)
            {
                Error(path, keyNode.Start, "key must not be empty");
            }
            else if (ReadScalar(value, Join(path, key), valueKind) is { } text)
            {
                entries[key] = ConfigValue.FromScalar(text);
            }
        }

        return new ConfigValue { Map = entries };
    }
}
