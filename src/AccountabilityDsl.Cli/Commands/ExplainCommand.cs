using System.Text;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Configuration;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Explain;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// <c>ownerc explain &lt;file&gt; --customer "a=1,b=2" [--stage S]</c> or
/// <c>ownerc explain &lt;file&gt; --segment S --stage T</c>: who is accountable, and why.
/// </summary>
public sealed class ExplainCommand : ICommand
{
    public string Name => "explain";

    public string Summary => "Show who is accountable for a customer or a segment at a stage, and why.";

    public string Help => """
        Usage: ownerc explain <file> --customer "name=value,..." [--stage <stage>]
               ownerc explain <file> --segment <segment> --stage <stage>

        Answers "who is accountable for this customer?" from a policy: the segments the
        customer is in and, for every stage (or only --stage), the accountable owner with the
        declaration that made them so. Vacuums (nobody) and conflicts (several owners) are shown
        as such. With --segment, explains one segment x stage cell and every claim on it.

        Options:
          --customer <values>  The customer's attribute values, e.g.
                               "assets=750000,tenure_years=2,owns_boat=true,region=North";
                               every attribute needs a value, and segment=<Name> picks the
                               assigned segment where the policy has assigned segments.
          --segment <segment>  A segment of the policy (with --stage).
          --stage <stage>      A stage of the policy's lifecycle.
          -h, --help           Show this help.

        Exit codes:
          0  explained
          1  the policy has syntax or name errors, so there is nothing reliable to explain
             (vacuums and conflicts are explained: that is what explain is for)
          2  bad usage, an unknown segment or stage, a customer that does not fit the policy,
             or a file that could not be read

        """.ReplaceLineEndings("\n");

    public int Run(IReadOnlyList<string> args, CommandContext context)
    {
        if (ArgumentReader.WantsHelp(args))
        {
            context.Out.Write(Help);
            return ExitCodes.Success;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<string>();
        var reader = new ArgumentReader(args, "explain", ["--customer", "--segment", "--stage", "--help"]);
        while (reader.TryRead(out Argument arg))
        {
            switch (arg)
            {
                case { IsOption: false }:
                    files.Add(arg.Name);
                    break;
                case { Name: "--customer" or "--segment" or "--stage" }:
                    options[arg.Name] = reader.ValueOf(arg, arg.Name == "--customer" ? "name=value pairs separated by commas" : "a name from the policy");
                    break;
                default:
                    throw reader.Unknown(arg);
            }
        }

        if (files.Count != 1)
        {
            throw new UsageException("'ownerc explain' takes exactly one policy file", "ownerc explain retail-bank.owner --customer \"assets=1000,...\"");
        }

        bool byCustomer = options.TryGetValue("--customer", out string? customerText);
        bool bySegment = options.TryGetValue("--segment", out string? segmentName);
        if (byCustomer && bySegment)
        {
            throw new UsageException("give either --customer or --segment, not both: --customer explains one customer, --segment one segment x stage cell");
        }

        if (!byCustomer && !bySegment)
        {
            throw new UsageException("say what to explain: --customer \"name=value,...\", or --segment S --stage T");
        }

        string path = Path.GetFullPath(files[0], context.CurrentDirectory);
        if (!File.Exists(path))
        {
            throw new UsageException($"file not found: '{files[0]}'");
        }

        SourceText source;
        try
        {
            source = SourceText.FromBytes(Input.PolicyFile.ReadAllBytes(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read '{files[0]}': {Input.InputCollector.Describe(e)}");
        }

        source = SourceText.From(source.Text, files[0]);
        var compilation = PolicyCompilation.Create(source, new EditorConfigSeverities().ForFile(path));
        // A policy that does not parse or bind cannot be explained. Vacuums and conflicts can:
        // seeing who claims what is how an author understands them.
        if (compilation.SyntaxTree.HasErrors || compilation.Policy.HasErrors)
        {
            foreach (Diagnostic error in compilation.Diagnostics.Where(d => d.IsError))
            {
                context.Error.WriteLine(error.ToString());
            }

            context.WriteError($"'{files[0]}' has syntax or name errors; run 'ownerc check {files[0]}' and fix them first");
            return ExitCodes.ErrorsReported;
        }

        BoundPolicy policy = compilation.Policy;
        var explainer = new AccountabilityExplainer(policy);
        StageSymbol? stage = options.TryGetValue("--stage", out string? stageName) ? Find(policy.Stages, stageName, "stage") : null;
        if (byCustomer)
        {
            CustomerValues customer = explainer.ParseCustomer(customerText!, out string? error)
                ?? throw new UsageException(error!);
            context.Out.Write(explainer.Describe(customer, stage));
            return ExitCodes.Success;
        }

        if (stage is null)
        {
            throw new UsageException("--segment needs --stage too");
        }

        SegmentSymbol segment = Find(policy.Segments, segmentName!, "segment");
        context.Out.Write(DescribeCell(policy, explainer, segment, stage));
        return ExitCodes.Success;
    }

    private static string DescribeCell(BoundPolicy policy, AccountabilityExplainer explainer, SegmentSymbol segment, StageSymbol stage)
    {
        var text = new StringBuilder();
        text.Append($"Segment {segment.Name} at {stage.Name}: ");
        IReadOnlyList<AssignmentSymbol> claims = explainer.ClaimsOn(segment, stage);
        if (claims.Count == 0 && policy.Fallback is { } fallback)
        {
            text.Append($"no accountable line claims this cell; {fallback.Name}, the fallback owner (line {policy.LineOf(policy.FallbackSyntax!)}), is accountable for its customers who have no owner through another segment (OWN0106).\n");
            return text.ToString();
        }

        if (claims.Count == 0)
        {
            text.Append("nobody is accountable for this cell.\n");
            if (!segment.IsAssigned)
            {
                text.Append("Its customers may still have an owner through other segments they are in; use --customer to see one customer.\n");
            }

            return text.ToString();
        }

        text.Append($"{claims[0].Owner!.Name} is accountable.\n");
        foreach (AssignmentSymbol claim in claims)
        {
            int line = policy.LineOf(claim.Syntax);
            text.Append($"  line {line}: {policy.Source.GetLineText(line).Trim()}\n");
        }

        if (claims.Count > 1)
        {
            text.Append("More than one declaration claims this cell (OWN0102): the first one decides until the conflict is fixed.\n");
        }

        return text.ToString();
    }

    private static T Find<T>(IEnumerable<T> symbols, string name, string noun)
        where T : Symbol
    {
        var all = symbols.ToList();
        if (all.FirstOrDefault(s => s.Name == name) is { } found)
        {
            return found;
        }

        string? closest = SpellingSuggestion.Closest(name, all.Select(s => s.Name));
        throw new UsageException(closest is null
            ? $"the policy has no {noun} '{name}' ({noun}s: {string.Join(", ", all.Select(s => s.Name))})"
            : $"the policy has no {noun} '{name}'; did you mean '{closest}'?");
    }
}
