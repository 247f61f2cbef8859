using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI;

/// <summary>Turns chat contents into the text a token estimate is made of.</summary>
internal static class ChatText
{
    /// <summary>Appends the countable text of <paramref name="contents"/>: text, reasoning, tool calls and (for input) tool results.</summary>
    public static void Append(StringBuilder text, IEnumerable<AIContent> contents, bool includeToolResults)
    {
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case TextReasoningContent r:
                    text.Append(r.Text);
                    break;
                case FunctionCallContent call:
                    text.Append(call.Name).Append(' ').Append(Serialize(call.Arguments));
                    break;
                case FunctionResultContent result when includeToolResults:
                    text.Append(result.Result switch
                    {
                        null => string.Empty,
                        string s => s,
                        _ => Serialize(result.Result),
                    });
                    break;
            }
        }
    }

    /// <summary>The text of a tool declaration: name, description and parameter schema.</summary>
    public static string Describe(AITool tool) => tool is AIFunctionDeclaration function
        ? $"{tool.Name} {tool.Description} {function.JsonSchema.GetRawText()}"
        : $"{tool.Name} {tool.Description}";

    private static string Serialize(object? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        try
        {
            return JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
        {
            return value.ToString() ?? string.Empty;
        }
    }
}
