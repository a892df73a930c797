/**
 * A small evaluator of the CloudFormation intrinsics the member template uses (Ref of a String or
 * a CommaDelimitedList, Fn::Join, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition), to
 * resolve what a stack created with given parameters would hold: the tests compare that with what
 * the hub sends.
 */
export type Template = { Conditions?: Record<string, unknown>; Parameters?: Record<string, { Default?: string; Type?: string }> };

export function evaluate(value: unknown, template: Template, parameters: Record<string, string>, pseudo: Record<string, string>): unknown {
  const again = (v: unknown) => evaluate(v, template, parameters, pseudo);
  const condition = (name: string) => Boolean(again(template.Conditions![name]));
  if (Array.isArray(value)) return value.map(again);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [[key, arg]] = entries;
    const args = arg as unknown[];
    switch (key) {
      case 'Ref': {
        const name = arg as string;
        if (name in pseudo) return pseudo[name];
        const given = name in parameters ? parameters[name] : template.Parameters?.[name]?.Default;
        if (given === undefined) throw new Error(`no value for parameter ${name}`);
        // A CommaDelimitedList is the list of its comma-separated values ("" is [""]).
        return template.Parameters?.[name]?.Type === 'CommaDelimitedList' ? given.split(',') : given;
      }
      case 'Fn::Join':
        return (again(args[1]) as unknown[]).join(args[0] as string);
      case 'Fn::If':
        return again(condition(args[0] as string) ? args[1] : args[2]);
      case 'Fn::Equals':
        return again(args[0]) === again(args[1]);
      case 'Fn::Not':
        return !again(args[0]);
      case 'Fn::And':
        return args.every((a) => Boolean(again(a)));
      case 'Fn::Or':
        return args.some((a) => Boolean(again(a)));
      case 'Condition':
        return condition(arg as string);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, again(v)]));
}
