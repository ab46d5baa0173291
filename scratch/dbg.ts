import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
const v = Compile(Type.Object({ n: Type.Number() }));
console.log(v.Check({ n: NaN }), v.Check({ n: Infinity }));
