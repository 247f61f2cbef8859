using System.Diagnostics.Metrics;

namespace TokenQuota.Extensions.AI;

/// <summary>The chat client's instruments on the <c>TokenQuota</c> meter.</summary>
internal sealed class ChatClientMetrics : IDisposable
{
    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> usageEstimated;
    private readonly Counter<long> refusals;
    private readonly Counter<long> clamped;

    public ChatClientMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            meter = new Meter(TokenQuotaDiagnostics.MeterName);
            ownsMeter = true;
        }
        else
        {
            meter = meterFactory.Create(TokenQuotaDiagnostics.MeterName);
        }

        usageEstimated = meter.CreateCounter<long>(TokenQuotaChatClientDiagnostics.UsageEstimatedInstrument, "{call}", "Chat calls charged (partly) by estimate because the provider reported no usage.");
        refusals = meter.CreateCounter<long>(TokenQuotaChatClientDiagnostics.RefusalsInstrument, "{call}", "Chat calls refused before the model was called.");
        clamped = meter.CreateCounter<long>(TokenQuotaChatClientDiagnostics.ClampedInstrument, "{call}", "Chat requests whose MaxOutputTokens was lowered to the remaining allowance.");
    }

    public void UsageEstimated(string reason, bool streaming) => usageEstimated.Add(
        1,
        new KeyValuePair<string, object?>("tokenquota.chat.reason", reason),
        new KeyValuePair<string, object?>("tokenquota.chat.streaming", streaming));

    public void Refused(string reason) => refusals.Add(1, new KeyValuePair<string, object?>("tokenquota.chat.reason", reason));

    public void Clamped() => clamped.Add(1);

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
