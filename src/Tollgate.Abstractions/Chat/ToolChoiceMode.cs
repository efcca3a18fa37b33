namespace Tollgate.Chat;

/// <summary>How the model may use tools.</summary>
public enum ToolChoiceMode
{
    /// <summary>The model decides.</summary>
    Auto,

    /// <summary>The model must not call a tool.</summary>
    None,

    /// <summary>The model must call at least one tool.</summary>
    Required,

    /// <summary>The model must call the function named in <see cref="ToolChoice.FunctionName"/>.</summary>
    Function,
}
