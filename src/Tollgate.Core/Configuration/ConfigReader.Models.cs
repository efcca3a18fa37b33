using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Tollgate.Core.Configuration;

/// <summary>The <c>models</c> section: model names, their deployments and their limits.</summary>
internal sealed partial class ConfigReader
{
    private HashSet<string> _modelNames = new(StringComparer.Ordinal);

    private Dictionary<string, ModelConfig> ReadModels(YamlNode node, string path)
    {
        var models = new Dictionary<string, ModelConfig>(StringComparer.Ordinal);
        if (IsNull(node))
        {
            return models;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return models;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _, _) in Entries(map, path))
        {
            names.Add(name);
        }

        _modelNames = names;
        foreach (var (name, keyNode, value) in Entries(map, path))
        {
            var p = Join(path, name);
            var nameIsValid = CheckName(path, p, keyNode, name);
            if (ReadModel(value, p, name) is { } model && nameIsValid)
            {
                models[name] = model;
            }
        }

        return models;
    }

    private ModelConfig? ReadModel(YamlNode node, string path, string name)
    {
        if (node is not YamlMappingNode map)
        {
            Error(path, node.Start, "expected a mapping");
            return null;
        }

        List<DeploymentConfig>? deployments = null;
        var limits = Accounts.LimitSpec.None;
        var routing = RoutingConfig.Default;
        var seen = false;
        foreach (var (key, keyNode, value) in Entries(map, path))
        {
            if (key == "deployments")
            {
                seen = true;
                deployments = ReadDeployments(value, Join(path, key));
            }
            else if (key == "limits")
            {
                limits = ReadLimits(value, Join(path, key));
            }
            else if (Array.IndexOf(ModelKeys, key) >= 0)
            {
                routing = ReadRoutingKey(routing, key, value, Join(path, key), name);
            }
            else
            {
                UnknownKey(path, keyNode, key, ModelKeys);
            }
        }

        if (!seen)
        {
            Error(path, map.Start, "missing required key 'deployments'");
        }

        return deployments is null ? null : new ModelConfig { Name = name, Deployments = deployments, Limits = limits, Routing = routing };
    }

    private List<DeploymentConfig>? ReadDeployments(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Error(path, node.Start, "expected a list");
            return null;
        }

        if (sequence.Children.Count == 0)
        {
            Error(path, node.Start, "must list at least one deployment");
            return null;
        }

        var deployments = new List<DeploymentConfig>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (sequence.Children[i] is not YamlMappingNode item)
            {
                Error(itemPath, sequence.Children[i].Start, "expected a mapping");
                continue;
            }

            string? provider = null;
            string? model = null;
            bool hasProvider = false, hasModel = false;
            var extra = new DeploymentConfig { Provider = string.Empty, Model = string.Empty };
            foreach (var (key, keyNode, value) in Entries(item, itemPath))
            {
                var p = Join(itemPath, key);
                switch (key)
                {
                    case "provider":
                        hasProvider = true;
                        provider = ReadRequiredString(value, p);
                        if (provider is not null && !_providerNames.Contains(provider))
                        {
                            Error(p, value.Start, $"unknown provider '{provider}'{KeySuggester.Hint(provider, _providerNames)}");
                            provider = null;
                        }

                        break;
                    case "model":
                        hasModel = true;
                        model = ReadRequiredString(value, p);
                        break;
                    case "weight":
                        if (ReadScalar(value, p, ConfigValueKind.Number) is { } weightText)
                        {
                            var weight = double.Parse(weightText, NumberStyles.Float, CultureInfo.InvariantCulture);
                            if (weight is < 0 or > 1_000_000)
                            {
                                Error(p, value.Start, "must be between 0 and 1000000");
                            }
                            else
                            {
                                extra = extra with { Weight = weight };
                            }
                        }

                        break;
                    case "priority":
                        if (ReadBoundedInteger(value, p, int.MinValue, int.MaxValue) is { } priority)
                        {
                            extra = extra with { Priority = (int)priority };
                        }

                        break;
                    case "rpm":
                        if (ReadBoundedInteger(value, p, 1, int.MaxValue) is { } rpm)
                        {
                            extra = extra with { RequestsPerMinute = (int)rpm };
                        }

                        break;
                    case "tpm":
                        if (ReadBoundedInteger(value, p, 1, long.MaxValue) is { } tpm)
                        {
                            extra = extra with { TokensPerMinute = tpm };
                        }

                        break;
                    default:
                        UnknownKey(itemPath, keyNode, key, DeploymentKeys);
                        break;
                }
            }

            if (!hasProvider)
            {
                Error(itemPath, item.Start, "missing required key 'provider'");
            }

            if (!hasModel)
            {
                Error(itemPath, item.Start, "missing required key 'model'");
            }

            if (provider is not null && model is not null)
            {
                deployments.Add(extra with { Provider = provider, Model = model });
            }
        }

        return deployments;
    }
}
