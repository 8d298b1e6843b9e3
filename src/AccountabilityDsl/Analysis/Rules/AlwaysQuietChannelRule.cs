using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Analysis.Rules;

/// <summary>
/// OWN0207: a channel whose quiet declarations leave no minute of the week free: every day is
/// quiet, or the quiet hours together cover all 24 hours. Nothing can be sent on it. Reported
/// once per channel, on its first quiet declaration; the others are related.
/// </summary>
public sealed class AlwaysQuietChannelRule : AnalysisRule
{
    public static readonly DiagnosticDescriptor Rule = new(
        "OWN0207",
        "Channel quiet at all times",
        "channel {0} is quiet at every hour of every day, so nothing can be sent on it; shorten its quiet hours or days",
        DiagnosticSeverity.Error,
        DiagnosticCategory.ContactPolicy);

    public override DiagnosticDescriptor Descriptor => Rule;

    public override void Analyze(AnalysisContext context)
    {
        foreach (ChannelSymbol channel in context.Policy.Channels.Where(context.Quiet.IsAlwaysQuiet))
        {
            IReadOnlyList<QuietSymbol> quiets = context.Quiet.Of(channel);
            context.Report(Rule, quiets[0].Syntax,
                [context.Related(channel, $"channel {channel.Name} is declared here"),
                 .. quiets.Skip(1).Select(q => context.Related(q.Syntax, "more quiet time for the channel"))],
                null,
                channel.Name);
        }
    }
}
