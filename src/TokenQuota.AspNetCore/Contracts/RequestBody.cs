using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TokenQuota.AspNetCore;

/// <summary>
/// Reads a JSON request body by hand, so that no body (malformed, oversized, wrongly typed) can surface as a 500:
/// at most <see cref="TokenQuotaAspNetCoreOptions.MaxRequestBodySize"/> bytes are read, then parsed with duplicate
/// properties refused and a bounded depth.
/// </summary>
internal static class RequestBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 32,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>The body: <see cref="Empty"/> when none was sent, otherwise its root element; or the problem to answer.</summary>
    public readonly record struct Outcome(JsonElement Root, bool Empty, ProblemHttpResult? Error)
    {
        /// <summary>
        /// The root object of a body that must hold fields: the seed answers <c>No data provided</c> to no body or <c>{}</c>,
        /// and anything but an object is refused the same way, naming <c>body</c>.
        /// </summary>
        public bool TryGetFields(out JsonElement root, out ValidationProblem? invalid)
        {
            root = Root;
            invalid = Empty || (Root.ValueKind == JsonValueKind.Object && !Root.EnumerateObject().Any())
                ? ApiResults.Validation("body", "No data provided")
                : Root.ValueKind != JsonValueKind.Object
                    ? ApiResults.Validation("body", "The request body must be a JSON object.")
                    : null;
            return invalid is null;
        }
    }

    public static async Task<Outcome> ReadAsync(HttpContext http, long maxBytes)
    {
        var request = http.Request;
        if (request.ContentLength > maxBytes)
        {
            return new Outcome(default, false, TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return new Outcome(default, false, TooLarge(maxBytes));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex)
        {
            return new Outcome(default, false, ApiResults.Problem(ex.StatusCode, "Bad request", ex.Message));
        }

        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return new Outcome(default, true, null);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), DocumentOptions);
            var root = document.RootElement.Clone();
            return root.ValueKind == JsonValueKind.Null ? new Outcome(default, true, null) : new Outcome(root, false, null);
        }
        catch (JsonException ex)
        {
            return new Outcome(default, false, ApiResults.Problem(
                StatusCodes.Status400BadRequest,
                "Malformed JSON",
                $"The request body is not valid JSON: {ex.Message}"));
        }
    }

    private static ProblemHttpResult TooLarge(long maxBytes) => ApiResults.Problem(
        StatusCodes.Status413PayloadTooLarge,
        "Request body too large",
        $"The request body is larger than {maxBytes} bytes.");
}
