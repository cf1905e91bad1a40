import cdf from '@stdlib/stats-base-dists-normal-cdf';
import q from '@stdlib/stats-base-dists-normal-quantile';
function wilson(k, n, z) { const p = k / n; const c = (p + z*z/(2*n)) / (1 + z*z/n); const h = z*Math.sqrt(p*(1-p)/n + z*z/(4*n*n)) / (1 + z*z/n); return [c-h, c+h]; }
function newcombe(k1,n1,k2,n2,lvl){const z=q(1-(1-lvl)/2,0,1);const p1=k1/n1,p2=k2/n2;const [l1,u1]=wilson(k1,n1,z),[l2,u2]=wilson(k2,n2,z);const d=p1-p2;return [d-Math.sqrt((p1-l1)**2+(u2-p2)**2), d+Math.sqrt((u1-p1)**2+(p2-l2)**2)];}
function z2(k1,n1,k2,n2){const p=(k1+k2)/(n1+n2);const z=(k1/n1-k2/n2)/Math.sqrt(p*(1-p)*(1/n1+1/n2));return [z,2*cdf(-Math.abs(z),0,1)];}
for (const [a,b] of [[[50,1000],[150,1000]],[[95,1000],[105,1000]],[[125,1000],[250,1000]],[[50/ (1000/99),99],[150/(1000/99),99]]]) { const [z,p]=z2(...a,...b); console.log(a,b,z,p,Number(p.toPrecision(2)), 2*p, Number((2*p).toPrecision(2)), newcombe(...a,...b,0.975)); }
