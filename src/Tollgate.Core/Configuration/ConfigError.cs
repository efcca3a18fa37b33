namespace Tollgate.Core.Configuration;

/// <summary>One problem in a config file.</summary>
/// <param name="Path">Where, as <c>models.sonnet.deployments[0].provider</c>.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Line">1-based line in the file, when known.</param>
/// <param name="Column">1-based column, when known.</param>
public sealed record ConfigError(string Path, string Message, int? Line = null, int? Column = null)
{
    /// <summary>Formats as <c>file:line:column: path: message</c>.</summary>
    public string Format(string? file)
    {
        var location = Line is { } l ? $"{file ?? "<config>"}:{l}:{Column ?? 1}: " : file is null ? string.Empty : $"{file}: ";
        return string.IsNullOrEmpty(Path) ? $"{location}{Message}" : $"{location}{Path}: {Message}";
    }
}
