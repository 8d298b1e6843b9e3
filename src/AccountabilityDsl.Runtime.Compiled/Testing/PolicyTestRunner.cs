using System.Collections.Immutable;
using System.Globalization;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Explain;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Testing;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Runtime.Compiled.Testing;

/// <summary>
/// Runs the tests of one <c>.owner-test</c> file against policies: accountability expectations
/// through the explainer (the same answers as <c>ownerc explain</c>), contact scenarios through
/// the real <see cref="ContactGate"/> on an in-memory ledger with a clock the steps set.
/// Policies with vacuums or conflicts can be tested (a test may pin a known gap); a policy with
/// syntax or name errors cannot (OWN0904).
/// </summary>
public sealed class PolicyTestRunner(IReadOnlyList<PolicyCompilation> policies)
{
    /// <summary>Runs every test of the file, in order; each test starts with an empty ledger.</summary>
    public TestFileResult Run(TestFileSyntax file)
    {
        SourceText source = file.Source;
        var results = ImmutableArray.CreateBuilder<TestResult>();
        PolicyCompilation? previous = null;

        // A syntax error belongs to the test it is in: that test did not run as written.
        var syntaxErrors = file.Diagnostics.ToList();
        for (int i = 0; i < file.Tests.Length; i++)
        {
            TestCaseSyntax test = file.Tests[i];
            int end = i + 1 < file.Tests.Length ? file.Tests[i + 1].Span.Start : int.MaxValue;
            var diagnostics = syntaxErrors.Where(d => d.Location.Span.Start >= test.Span.Start && d.Location.Span.Start < end).ToList();
            syntaxErrors.RemoveAll(diagnostics.Contains);
            PolicyCompilation? policy = Resolve(test, source, previous, diagnostics);
            previous = policy ?? previous;
            var failures = new List<TestFailure>();
            if (policy is not null)
            {
                new TestExecution(policy, source, diagnostics, failures).Run(test);
            }

            results.Add(new TestResult(test.Name, source.FilePath, source.GetLinePosition(test.Span.Start).Line, policy?.Policy.Name,
                [.. failures], [.. diagnostics.OrderBy(d => d.Location.Span.Start)]));
        }

        return new TestFileResult(source.FilePath, results.ToImmutable(), [.. syntaxErrors]);
    }

    /// <summary>
    /// <c>for Name</c>; else the previous test's policy; else the policy file with the test file's
    /// name (<c>retail-bank.owner</c> for <c>retail-bank.owner-test</c>); else the only policy.
    /// </summary>
    private PolicyCompilation? Resolve(TestCaseSyntax test, SourceText source, PolicyCompilation? previous, List<Diagnostic> diagnostics)
    {
        PolicyCompilation? chosen;
        if (test.Policy is { } name)
        {
            chosen = policies.FirstOrDefault(p => p.Policy.Name == name.Text);
            if (chosen is null)
            {
                var names = policies.Select(p => p.Policy.Name).Distinct().ToList();
                diagnostics.Add(Diagnostic.Create(TestFileDiagnostics.PolicyUnavailable, source, name.Span,
                    $"no policy named '{name.Text}' next to this test file{DidYouMean(name.Text, names)}"
                    + (names.Count == 0 ? " (no .owner files found)" : $" (policies: {string.Join(", ", names)})")));
                return null;
            }
        }
        else
        {
            string stem = Path.GetFileNameWithoutExtension(source.FilePath);
            chosen = previous
                ?? policies.FirstOrDefault(p => Path.GetFileNameWithoutExtension(p.SyntaxTree.FilePath) == stem)
                ?? (policies.Count == 1 ? policies[0] : null);
            if (chosen is null)
            {
                diagnostics.Add(Diagnostic.Create(TestFileDiagnostics.PolicyUnavailable, source, test.NameSpan,
                    policies.Count == 0
                        ? "no .owner policy found next to this test file"
                        : $"say which policy this test is for: 'test \"{test.Name}\" for Name' (policies: {string.Join(", ", policies.Select(p => p.Policy.Name).Distinct())})"));
                return null;
            }
        }

        if (chosen.SyntaxTree.HasErrors || chosen.Policy.HasErrors)
        {
            diagnostics.Add(Diagnostic.Create(TestFileDiagnostics.PolicyUnavailable, source, test.Policy?.Span ?? test.NameSpan,
                $"policy {chosen.Policy.Name} ({chosen.SyntaxTree.FilePath}) has syntax or name errors; run 'ownerc check {chosen.SyntaxTree.FilePath}' and fix them first"));
            return null;
        }

        return chosen;
    }

    internal static string DidYouMean(string name, IEnumerable<string> candidates) =>
        SpellingSuggestion.Closest(name, candidates) is { } closest ? $"; did you mean '{closest}'?" : "";

    /// <summary>One test's steps, in order, against one policy.</summary>
    private sealed class TestExecution(PolicyCompilation compilation, SourceText source, List<Diagnostic> diagnostics, List<TestFailure> failures)
    {
        private readonly BoundPolicy _policy = compilation.Policy;
        private readonly AccountabilityExplainer _explainer = new(compilation.Policy);
        private CustomerValues? _customer;
        private ContactGate? _gate;

        /// <summary>The path of the file each of the gate's rules is in (its <see cref="SourceLine"/> names the file only).</summary>
        private readonly Dictionary<SourceLine, string> _ruleFiles = new(ReferenceEqualityComparer.Instance);
        private ScenarioClock? _clock;
        private TimeZoneInfo? _zone;
        private string? _zoneName;
        private int _step;

        public void Run(TestCaseSyntax test)
        {
            foreach (TestStepSyntax step in test.Steps)
            {
                _step++;
                switch (step)
                {
                    case CustomerStepSyntax customer:
                        _customer = BindCustomer(customer);
                        break;
                    case ExpectAccountableSyntax accountable:
                        ExpectAccountable(accountable);
                        break;
                    case ExpectSegmentsSyntax segments:
                        ExpectSegments(segments);
                        break;
                    case ContactStepSyntax contact:
                        Contact(contact);
                        break;
                }
            }
        }

        private int LineOf(TextSpan span) => source.GetLinePosition(span.Start).Line;

        private void Error(DiagnosticDescriptor descriptor, TextSpan span, string message) =>
            diagnostics.Add(Diagnostic.Create(descriptor, source, span, message));

        private void Unknown(NameSyntax name, string kind, IEnumerable<string> candidates) =>
            diagnostics.Add(Diagnostic.Create(TestFileDiagnostics.UnknownName, source, name.Span, _policy.Name, kind, name.Text, DidYouMean(name.Text, candidates)));

        private T? Find<T>(NameSyntax name, IEnumerable<T> symbols, string kind)
            where T : Symbol
        {
            var all = symbols.ToList();
            if (all.FirstOrDefault(s => s.Name == name.Text) is { } found)
            {
                return found;
            }

            Unknown(name, kind, all.Select(s => s.Name));
            return null;
        }

        /// <summary><c>path(line): text</c> of a declaration, in its own file of the policy.</summary>
        private string PolicyLine(SyntaxNode node)
        {
            int line = _policy.LineOf(node);
            string text = string.Join(" ", _policy.SourceOf(node).GetLineText(line).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
            return $"{_policy.SourceOf(node).FilePath}({line}): {text}";
        }

        /// <summary><c>path(line): text</c> of a rule the gate cites, in its own file of the policy.</summary>
        private string PolicyLine(SourceLine rule) => $"{FileOf(rule)}({rule.Line}): {rule.Text}";

        /// <summary>The path of the policy file a rule of the gate is in.</summary>
        private string FileOf(SourceLine rule) => _ruleFiles.GetValueOrDefault(rule) ?? rule.File;

        /// <summary>A policy file as a step names it: relative to the test file's folder, with '/'.</summary>
        private string StepFileName(string path) =>
            Path.GetRelativePath(Path.GetFullPath(Path.GetDirectoryName(source.FilePath) is { Length: > 0 } folder ? folder : "."), Path.GetFullPath(path)).Replace('\\', '/');

        /// <summary>
        /// The policy file <c>denied by retail.owner line 12</c> names, by its path relative to the
        /// test file's folder (not by its name alone: two files of one name may be in different
        /// folders); null, reported, when it is none of the policy's files.
        /// </summary>
        private string? PolicyFile(NameSyntax file)
        {
            var files = _policy.Trees.Select(t => t.FilePath).ToList();
            string named = file.Text.Replace('\\', '/');
            if (files.FirstOrDefault(f => string.Equals(StepFileName(f), named, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            // A file's name alone is often too far from its path for a spelling suggestion: list the files then.
            var names = files.Select(StepFileName).ToList();
            string hint = DidYouMean(file.Text, names) is { Length: > 0 } suggestion ? suggestion : $" (its files, from this test file's folder: {string.Join(", ", names)})";
            diagnostics.Add(Diagnostic.Create(TestFileDiagnostics.UnknownName, source, file.Span, _policy.Name, "file", file.Text, hint));
            return null;
        }

        private CustomerValues? BindCustomer(CustomerStepSyntax step)
        {
            var values = new decimal[_policy.Attributes.Length];
            var given = new HashSet<string>(StringComparer.Ordinal);
            SegmentSymbol? assigned = null;
            bool ok = true;
            foreach (CustomerValueSyntax value in step.Values)
            {
                string name = value.Attribute.Text;
                if (!given.Add(name))
                {
                    Error(TestFileDiagnostics.InvalidValue, value.Attribute.Span, $"'{name}' is given more than once; give each attribute one value");
                    ok = false;
                    continue;
                }

                if (name == "segment" && _policy.HasAssignedSegments)
                {
                    assigned = Find(new NameSyntax(value.Value, value.ValueSpan), _policy.Segments.Where(s => s.IsAssigned), "assigned segment");
                    ok &= assigned is not null;
                    continue;
                }

                AttributeSymbol? attribute = Find(value.Attribute, _policy.Attributes, "attribute");
                if (attribute is null)
                {
                    ok = false;
                    continue;
                }

                if (Value(attribute, value) is { } parsed)
                {
                    values[attribute.Ordinal] = parsed;
                }
                else
                {
                    ok = false;
                }
            }

            var missing = _policy.Attributes.Where(a => !given.Contains(a.Name)).Select(a => a.Name).ToList();
            if (_policy.HasAssignedSegments && !given.Contains("segment"))
            {
                missing.Insert(0, "segment");
            }

            if (missing.Count > 0)
            {
                Error(TestFileDiagnostics.InvalidValue, step.Span, $"the customer needs a value for every attribute; missing: {string.Join(", ", missing)}");
                ok = false;
            }

            return ok ? new CustomerValues(values, assigned, source.ToString(step.Span)) : null;
        }

        private decimal? Value(AttributeSymbol attribute, CustomerValueSyntax value)
        {
            switch (attribute.Type)
            {
                case AttributeKind.Bool when value.Kind == TestValueKind.Bool:
                    return value.Value == "true" ? 1 : 0;
                case AttributeKind.Enum when value.Kind == TestValueKind.Name:
                    int index = attribute.Members.IndexOf(value.Value);
                    if (index >= 0)
                    {
                        return index;
                    }

                    Error(TestFileDiagnostics.InvalidValue, value.ValueSpan,
                        $"'{value.Value}' is not a member of '{attribute.Name}' ({string.Join(", ", attribute.Members)}){DidYouMean(value.Value, attribute.Members)}");
                    return null;
                case AttributeKind.Int or AttributeKind.Decimal when value.Kind == TestValueKind.Number:
                    decimal number = decimal.Parse(value.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                    if (attribute.Type == AttributeKind.Int && (number != decimal.Truncate(number) || number is < int.MinValue or > int.MaxValue))
                    {
                        Error(TestFileDiagnostics.InvalidValue, value.ValueSpan, $"'{attribute.Name}' is an int; write a whole number from {int.MinValue} to {int.MaxValue}, not '{value.Value}'");
                        return null;
                    }

                    return number;
                default:
                    string wanted = attribute.Type switch
                    {
                        AttributeKind.Bool => "true or false",
                        AttributeKind.Enum => $"one of {string.Join(", ", attribute.Members)}",
                        AttributeKind.Int => "a whole number",
                        _ => "a number",
                    };
                    Error(TestFileDiagnostics.InvalidValue, value.ValueSpan, $"'{attribute.Name}' is {attribute.TypeDisplay}; write {wanted}, not '{value.Value}'");
                    return null;
            }
        }

        private bool HasCustomer(TextSpan span)
        {
            if (_customer is not null)
            {
                return true;
            }

            // A customer line with mistakes was reported already; say nothing more about it.
            if (!diagnostics.Any(d => d.Id == TestFileDiagnostics.InvalidValue.Id || d.Id == TestFileDiagnostics.UnknownName.Id))
            {
                Error(TestFileDiagnostics.InvalidValue, span, "an expectation needs a customer: write a 'customer attribute = value, ...' line before it");
            }

            return false;
        }

        private void ExpectAccountable(ExpectAccountableSyntax step)
        {
            var expectedOwners = step.Owners.Select(o => Find(o, _policy.Owners, "owner")).ToList();
            var stages = new List<StageSymbol>();
            foreach (TestStageRangeSyntax range in step.Stages)
            {
                StageSymbol? from = Find(range.From, _policy.Stages, "stage");
                StageSymbol? to = range.To is { } end ? Find(end, _policy.Stages, "stage") : from;
                if (from is null || to is null)
                {
                    return;
                }

                if (to.Ordinal < from.Ordinal)
                {
                    Error(TestFileDiagnostics.InvalidValue, TextSpan.FromBounds(range.From.Span.Start, range.To!.Span.End),
                        $"the stage range '{from.Name}..{to.Name}' runs backwards: '{to.Name}' comes before '{from.Name}' in the lifecycle");
                    return;
                }

                stages.AddRange(_policy.Stages.Where(s => s.Ordinal >= from.Ordinal && s.Ordinal <= to.Ordinal));
            }

            if (expectedOwners.Any(o => o is null) || !HasCustomer(step.Span))
            {
                return;
            }

            foreach (StageAccountability actual in _explainer.Explain(_customer!).Where(a => stages.Contains(a.Stage)))
            {
                var owners = actual.Owners.Select(o => o.Owner).Distinct().ToList();
                bool holds = owners.ToHashSet().SetEquals(expectedOwners!);
                if (holds)
                {
                    continue;
                }

                string got = owners.Count switch
                {
                    0 => $"nobody is accountable at {actual.Stage.Name} (a vacuum)",
                    1 => $"{owners[0].Name} is accountable at {actual.Stage.Name}",
                    _ => $"{string.Join(" and ", owners.Select(o => o.Name))} are accountable at {actual.Stage.Name} (a conflict)",
                };
                var lines = actual.Owners.SelectMany(o => new[] { PolicyLine(o.Segment.Syntax), PolicyLine(o.Declaration.Syntax) }).Distinct().ToList();
                lines.AddRange(_policy.Accountabilities
                    .Where(a => expectedOwners.Contains(a.Owner) && a.Stages.Contains(actual.Stage))
                    .Select(a => PolicyLine(a.Syntax)).Except(lines).ToList());

                failures.Add(new TestFailure(LineOf(step.Span),
                    $"accountable {(expectedOwners.Count == 0 ? "nobody" : string.Join(" and ", expectedOwners.Select(o => o!.Name)))} at {actual.Stage.Name}",
                    got,
                    [.. lines]));
            }
        }

        private void ExpectSegments(ExpectSegmentsSyntax step)
        {
            var expected = new List<SegmentSymbol>();
            foreach (NameSyntax name in step.Segments)
            {
                if (Find(name, _policy.Segments, "segment") is not { } segment)
                {
                    return;
                }

                expected.Add(segment);
            }

            if (!HasCustomer(step.Span))
            {
                return;
            }

            IReadOnlyList<SegmentSymbol> actual = _explainer.SegmentsOf(_customer!);
            if (expected.ToHashSet().SetEquals(actual))
            {
                return;
            }

            failures.Add(new TestFailure(LineOf(step.Span),
                $"segments {Names(expected)}",
                $"the customer is in {Names(actual)}",
                [.. actual.Except(expected).Concat(expected.Except(actual)).Select(s => PolicyLine(s.Syntax))]));

            static string Names(IEnumerable<SegmentSymbol> segments) =>
                segments.Any() ? string.Join(", ", segments.Select(s => s.Name)) : "none";
        }

        private void Contact(ContactStepSyntax step)
        {
            if (!TryGetTime(step, out DateTimeOffset when))
            {
                return;
            }

            string customer = step.Customer.Text;
            if (step.Kind == ContactActionKind.Event)
            {
                _gate!.RecordEvent(customer, step.Subject.Text, when);
                return;
            }

            OfferSymbol? offer = step.Kind == ContactActionKind.Offer ? Find(step.Subject, _policy.Offers, "offer") : null;
            ChannelSymbol? channel = Find(step.Channel!, _policy.Channels, "channel");
            if ((step.Kind == ContactActionKind.Offer && offer is null) || channel is null)
            {
                return;
            }

            if (offer is not null && !offer.Channels.Contains(channel))
            {
                Error(TestFileDiagnostics.InvalidValue, step.Channel!.Span,
                    $"offer {offer.Name} is not sent via {channel.Name} (its channels: {string.Join(", ", offer.Channels.Select(c => c.Name))})");
                return;
            }

            string? expectedFile = null;
            if (step.Outcome?.File is { } namedFile && (expectedFile = PolicyFile(namedFile)) is null)
            {
                return;
            }

            if (Request(step, channel, offer) is not { } request)
            {
                return;
            }

            ReservationResult result;
            try
            {
                result = _gate!.TryReserve(request, $"step-{_step}");
            }
            catch (ArgumentException e)
            {
                // A scoped limit needs the customer's segments and stage, a channel that requires
                // consent needs the customer's consents: the step did not give what a rule reads.
                Error(TestFileDiagnostics.InvalidValue, step.Span,
                    $"this step cannot run against policy {_policy.Name}: {AsClause(e)}; on a contact step, give the customer's segments with 'in Segment, …' ('in none'), the stage with 'at Stage', "
                    + "the household with 'household id' and the consented channels with 'consent Channel, …' ('consent none')");
                return;
            }

            if (result.Reservation is { } reservation)
            {
                _gate.Commit(reservation);
            }

            if (step.Outcome is not { } expected)
            {
                return;
            }

            ContactDecision decision = result.Decision;
            string actual = Describe(decision);
            bool holds = expected.Allowed
                ? decision.IsAllowed
                : !decision.IsAllowed
                  && (expected.Line is not { } line || decision.Source?.Line == line)
                  && (expectedFile is null || (decision.Source is { } cited && FileOf(cited) == expectedFile))
                  && (expected.RetryDate is null || RetryMatches(expected, decision.RetryAt));
            if (!holds)
            {
                string by = expected.Line is { } l ? expected.File is { } f ? $" by {f.Text} line {l}" : $" by line {l}" : "";
                string wanted = expected.Allowed ? "allowed"
                    : "denied" + by + (expected.RetryDate is { } d ? $", retry {d}{(expected.RetryTime is { } t ? " " + t : "")}" : "");
                var lines = new List<string>();
                if (decision.Source is { } denial)
                {
                    lines.Add(PolicyLine(denial));
                }

                if (expected.Line is { } expectedLine
                    && (expectedLine != decision.Source?.Line || (expectedFile is not null && (decision.Source is not { } denying || FileOf(denying) != expectedFile))))
                {
                    lines.AddRange(LinesNumbered(expectedLine, expectedFile));
                }

                failures.Add(new TestFailure(LineOf(step.Span), $"{Action(step)}: {wanted}", $"{Action(step)}: {actual}", [.. lines]));
            }
        }

        /// <summary>
        /// Line <paramref name="line"/> of the policy, for an expectation that names it: that line of
        /// <paramref name="file"/> when the step names one, or of the policy's one file; in a policy
        /// of several files, the contact rules written on that line of any file, else that line of
        /// each file that has it.
        /// </summary>
        private IEnumerable<string> LinesNumbered(int line, string? file)
        {
            if (file is not null)
            {
                SourceText text = _policy.Trees.First(t => t.FilePath == file).Source;
                return line >= 1 && line <= text.LineCount ? [$"{file}({line}): {text.GetLineText(line).Trim()}"] : [];
            }

            if (_policy.Trees.Length > 1)
            {
                ContactPolicy rules = _gate!.Policy;
                var cited = rules.Limits.Select(r => r.Source)
                    .Concat(rules.Capacities.Select(r => r.Source))
                    .Concat(rules.Cooldowns.Select(r => r.Source))
                    .Concat(rules.Exclusions.Select(r => r.Source))
                    .Concat(rules.Consents.Select(r => r.Source))
                    .Concat(rules.QuietPeriods.Select(r => r.Source))
                    .Where(r => r.Line == line)
                    .Distinct()
                    .Select(PolicyLine)
                    .ToList();
                if (cited.Count > 0)
                {
                    return cited;
                }
            }

            return _policy.Trees.Select(t => t.Source).Where(s => line >= 1 && line <= s.LineCount)
                .Select(s => $"{s.FilePath}({line}): {s.GetLineText(line).Trim()}");
        }

        /// <summary>
        /// The gate's request for an offer or contact step: the channel, offer and category, and what
        /// the step says about its customer (segments, stage, household, consents; each left unsaid
        /// when not written). Null when a name is not the policy's (reported).
        /// </summary>
        private ContactRequest? Request(ContactStepSyntax step, ChannelSymbol channel, OfferSymbol? offer)
        {
            CustomerFactsSyntax facts = step.Facts;
            List<SegmentSymbol?>? segments = facts.Segments?.Select(s => Find(s, _policy.Segments, "segment")).ToList();
            StageSymbol? stage = facts.Stage is { } stageName ? Find(stageName, _policy.Stages, "stage") : null;
            List<ChannelSymbol?>? consents = facts.Consents?.Select(c => Find(c, _policy.Channels, "channel")).ToList();
            if (segments?.Contains(null) == true || (facts.Stage is not null && stage is null) || consents?.Contains(null) == true)
            {
                return null;
            }

            return new ContactRequest(step.Customer.Text, channel.Name, offer?.Name, step.Category?.Text)
            {
                Segments = segments?.Select(s => s!.Name).ToArray(),
                Stage = stage?.Name,
                HouseholdId = facts.Household?.Text,
                Consents = consents?.Select(c => c!.Name).ToArray(),
            };
        }

        /// <summary>
        /// The runtime's refusal ("The limit '…' (shop.owner:7) applies only to customers in S: ….") as a
        /// clause inside the diagnostic's sentence: without the parameter note and the full stop, and
        /// with a lower-case first word unless that word is a name (ContactRequest, a capitalised acronym).
        /// </summary>
        private static string AsClause(ArgumentException refusal)
        {
            string message = refusal.ParamName is { } parameter ? refusal.Message.Replace($" (Parameter '{parameter}')", "") : refusal.Message;
            message = message.Trim().TrimEnd('.');
            int wordEnd = message.IndexOfAny([' ', '\'', ':']);
            string firstWord = wordEnd < 0 ? message : message[..wordEnd];
            bool ordinaryWord = firstWord.Length > 1 && char.IsUpper(firstWord[0]) && firstWord.Skip(1).All(char.IsLower);
            return ordinaryWord ? char.ToLowerInvariant(message[0]) + message[1..] : message;
        }

        private static string Action(ContactStepSyntax step) => (step.Kind == ContactActionKind.Offer
            ? $"offer {step.Subject.Text} to {step.Customer.Text} via {step.Channel!.Text}"
            : $"contact {step.Customer.Text} via {step.Channel!.Text}") + Facts(step.Facts);

        /// <summary>The customer facts as a step writes them (with a leading space), or nothing.</summary>
        private static string Facts(CustomerFactsSyntax facts)
        {
            static string List(ImmutableArray<NameSyntax> names) => names.IsEmpty ? "none" : string.Join(", ", names.Select(n => n.Text));
            return (facts.Segments is { } segments ? " in " + List(segments) : "")
                + (facts.Stage is { } stage ? " at " + stage.Text : "")
                + (facts.Household is { } household ? " household " + household.Text : "")
                + (facts.Consents is { } consents ? " consent " + List(consents) : "");
        }

        private string Describe(ContactDecision decision)
        {
            if (decision.IsAllowed)
            {
                return decision.IsExempt ? "allowed (exempt)" : "allowed";
            }

            string retry = decision.RetryAt is { } at
                ? $", retry {TimeZoneInfo.ConvertTime(at, _zone!).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}"
                : ", never allowed";
            // A policy of several files: say which file the line is in, as a step would name it.
            string file = _policy.Trees.Length > 1 && decision.Source is { } cited ? $"{StepFileName(FileOf(cited))} " : "";
            return $"denied by {file}line {decision.Source?.Line} ({decision.RuleDescription}){retry}";
        }

        private bool RetryMatches(ContactOutcomeSyntax expected, DateTimeOffset? retryAt)
        {
            if (retryAt is not { } at)
            {
                return false;
            }

            DateTimeOffset local = TimeZoneInfo.ConvertTime(at, _zone!);
            return local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == expected.RetryDate
                && (expected.RetryTime is null || local.ToString("HH:mm", CultureInfo.InvariantCulture) == expected.RetryTime);
        }

        /// <summary>The step's instant: its local date and time in the test's zone; sets the clock and creates the gate on the first step.</summary>
        private bool TryGetTime(ContactStepSyntax step, out DateTimeOffset when)
        {
            when = default;
            if (step.Zone is { } zoneName)
            {
                if (_zoneName is not null && _zoneName != zoneName.Text)
                {
                    Error(TestFileDiagnostics.InvalidValue, zoneName.Span, $"this test runs in time zone {_zoneName}; one test has one zone, so give '{zoneName.Text}' to a test of its own");
                    return false;
                }

                if (_zone is null)
                {
                    try
                    {
                        _zone = TimeZoneInfo.FindSystemTimeZoneById(zoneName.Text);
                        _zoneName = zoneName.Text;
                    }
                    catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
                    {
                        Error(TestFileDiagnostics.InvalidValue, zoneName.Span, $"unknown time zone '{zoneName.Text}'; write an IANA zone such as Europe/London or UTC");
                        return false;
                    }
                }
            }

            if (_zone is null)
            {
                _zone = TimeZoneInfo.Utc;
                _zoneName = "UTC";
            }

            if (!DateTime.TryParseExact($"{step.Date} {step.Time ?? "00:00"}", "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime local))
            {
                Error(TestFileDiagnostics.InvalidValue, step.WhenSpan, $"'{source.ToString(step.WhenSpan)}' is not a date and time (write 2026-01-05 09:00)");
                return false;
            }

            if (_zone.IsInvalidTime(local))
            {
                Error(TestFileDiagnostics.InvalidValue, step.WhenSpan, $"{step.Date} {step.Time} does not exist in {_zoneName} (the clocks skip it)");
                return false;
            }

            when = new DateTimeOffset(local, _zone.GetUtcOffset(local));
            if (_clock is not null && when < _clock.GetUtcNow())
            {
                Error(TestFileDiagnostics.InvalidValue, step.WhenSpan, "steps go forward in time: this one is earlier than the step before it");
                return false;
            }

            _clock ??= new ScenarioClock(when);
            _clock.Set(when);
            _gate ??= new ContactGate(ContactPolicyBuilder.Build(_policy, _ruleFiles), new InMemoryContactLedger(), _clock, _zone);
            return true;
        }
    }

    /// <summary>A clock that stands still at the time of the current step.</summary>
    private sealed class ScenarioClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Set(DateTimeOffset now) => _now = now;

        public override DateTimeOffset GetUtcNow() => _now.ToUniversalTime();
    }
}
